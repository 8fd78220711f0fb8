/**
 * Form building blocks: every control has a <label for>, an optional hint and an error message, both tied to
 * the control with aria-describedby, so a screen reader reads the label, the hint and the error together.
 */
import { h, nextId } from '../dom.js';

/**
 * @typedef {{ element: HTMLElement, control: HTMLInputElement | HTMLSelectElement, setError: (message: string | null) => void }} Field
 */

/**
 * @param {{ name: string, label: string, hint?: string, required?: boolean, control: HTMLInputElement | HTMLSelectElement, wide?: boolean }} o
 * @returns {Field}
 */
export function field(o) {
  const id = o.control.id || nextId(`f-${o.name.replace(/[^a-zA-Z0-9]/g, '-')}`);
  o.control.id = id;
  o.control.name = o.name;
  o.control.dataset['field'] = o.name;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const error = h('p', { id: errorId, class: 'field__error', hidden: true });
  const described = [o.hint ? hintId : null, errorId].filter(Boolean).join(' ');
  o.control.setAttribute('aria-describedby', described);
  if (o.required) {
    o.control.required = true;
    o.control.setAttribute('aria-required', 'true');
  }
  const element = h(
    'div',
    { class: `field${o.wide ? ' field--wide' : ''}` },
    h(
      'label',
      { for: id, class: 'field__label' },
      o.label,
      o.required ? h('span', { class: 'field__req' }, ' (required)') : null,
    ),
    o.hint ? h('p', { id: hintId, class: 'field__hint' }, o.hint) : null,
    error,
    o.control,
  );
  return {
    element,
    control: o.control,
    setError(message) {
      error.hidden = message === null;
      error.textContent = message ?? '';
      element.classList.toggle('field--invalid', message !== null);
      if (message === null) o.control.removeAttribute('aria-invalid');
      else o.control.setAttribute('aria-invalid', 'true');
    },
  };
}

/** @param {Record<string, string | boolean | undefined>} [attrs] */
export function textInput(attrs = {}) {
  return /** @type {HTMLInputElement} */ (
    h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', class: 'input', ...attrs })
  );
}

/**
 * @param {{ value: string, label: string }[]} options
 * @param {string} [selected]
 */
export function select(options, selected) {
  return /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { class: 'input' },
      options.map((o) => h('option', { value: o.value, selected: o.value === selected }, o.label)),
    )
  );
}
