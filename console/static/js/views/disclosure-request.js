/**
 * Step 2 from a hit: "Request full record" opens a short form under the hit (justification, urgency, legal
 * basis prefilled from the search) and sends `POST /api/v1/disclosures`. The owner answers at once (approved
 * or refused by its policy) or queues the request for its disclosure officer; the answer is shown here and
 * the request is followed in the Disclosure requests view.
 */
import { ApiProblem } from '../api.js';
import { announce, h, nextId, replace } from '../dom.js';
import { rememberCaseRef } from '../session.js';
import { disclosureStatusChip, formatInstant } from './disclosure-status.js';
import { field, select, textInput } from './form.js';
import { problemPanel } from './problem.js';

export const URGENCIES = [
  { value: 'urgent', label: 'Urgent (owner decides within 4 h)' },
  { value: 'standard', label: 'Standard (48 h)' },
  { value: 'non-urgent', label: 'Not urgent (7 days)' },
];

/**
 * @typedef {{ peer: string, ref: string, dataset: string, caseRef: string, purpose: string, legalBasis: string }} RecordTarget
 */

/**
 * The button and its form for one hit. The element is kept by the board, so a re-render of the peer's row
 * does not lose what the analyst typed.
 * @param {import('./registry.js').ViewContext} ctx
 * @param {RecordTarget} target
 */
export function disclosureRequestPanel(ctx, target) {
  const formId = nextId('disclosure-form');
  let busy = false;
  const justification = /** @type {HTMLTextAreaElement} */ (
    h('textarea', { class: 'input textarea', rows: '3', maxlength: '2000' })
  );
  const urgency = select(URGENCIES, 'standard');
  const legalBasis = textInput({ maxlength: '256', value: target.legalBasis });
  const fJustification = field({
    name: 'justification',
    label: 'Justification',
    hint: 'Why this record is needed for the case, 10–2000 characters. The owner’s officer reads it.',
    required: true,
    control: /** @type {HTMLInputElement} */ (/** @type {unknown} */ (justification)),
    wide: true,
  });
  const fUrgency = field({ name: 'urgency', label: 'Urgency', control: urgency });
  const fLegalBasis = field({
    name: 'legalBasis',
    label: 'Legal basis',
    hint: 'From the search; the owner’s policy decides on it again.',
    required: true,
    control: legalBasis,
  });
  const outcome = h('div', { class: 'disclosure-outcome', role: 'status', 'aria-live': 'polite' });
  const submit = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'submit', class: 'button button--primary' }, 'Send request')
  );
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      {
        id: formId,
        class: 'disclosure-form',
        novalidate: true,
        hidden: true,
        'aria-label': `Request the full record ${target.ref} from ${target.peer}`,
        onsubmit: onSubmit,
      },
      h(
        'dl',
        { class: 'kv kv--inline' },
        h('dt', {}, 'Owner'),
        h('dd', { class: 'mono' }, target.peer),
        h('dt', {}, 'Case'),
        h('dd', { class: 'mono' }, target.caseRef),
        h('dt', {}, 'Purpose'),
        h('dd', {}, target.purpose),
      ),
      fJustification.element,
      h('div', { class: 'field-row' }, fLegalBasis.element, fUrgency.element),
      h(
        'div',
        { class: 'actions' },
        submit,
        h('button', { type: 'button', class: 'button', onclick: () => toggle(false) }, 'Cancel'),
      ),
    )
  );
  const toggleButton = /** @type {HTMLButtonElement} */ (
    h(
      'button',
      {
        type: 'button',
        class: 'button',
        'aria-expanded': 'false',
        'aria-controls': formId,
        onclick: () => toggle(form.hidden),
      },
      'Request full record',
    )
  );

  /** @param {boolean} open */
  function toggle(open) {
    form.hidden = !open;
    toggleButton.setAttribute('aria-expanded', String(open));
    if (open) justification.focus();
    else toggleButton.focus();
  }

  /** @param {Event} ev */
  async function onSubmit(ev) {
    ev.preventDefault();
    if (busy) return;
    fJustification.setError(null);
    fLegalBasis.setError(null);
    const text = justification.value.trim();
    const basis = legalBasis.value.trim();
    let bad = null;
    if (basis.length === 0) {
      fLegalBasis.setError('Enter the legal basis for this request');
      bad = legalBasis;
    }
    if (text.length < 10 || text.length > 2000) {
      fJustification.setError('Write a justification of 10 to 2000 characters');
      bad = justification;
    }
    if (bad) {
      bad.focus();
      return;
    }
    busy = true;
    submit.setAttribute('aria-disabled', 'true');
    submit.textContent = 'Signing and sending…';
    try {
      const reply = /** @type {Record<string, unknown>} */ (
        await ctx.api.requestDisclosure({
          peer: target.peer,
          ref: target.ref,
          caseRef: target.caseRef,
          purpose: target.purpose,
          legalBasis: basis,
          justification: text,
          urgency: urgency.value,
        })
      );
      rememberCaseRef(target.caseRef);
      form.hidden = true;
      toggleButton.setAttribute('aria-expanded', 'false');
      toggleButton.hidden = true;
      const status = String(reply['status'] ?? '');
      replace(
        outcome,
        h(
          'p',
          { class: 'disclosure-outcome__line' },
          disclosureStatusChip(status),
          ' ',
          h('code', { class: 'reason' }, String(reply['reasonCode'] ?? '')),
          ' ',
          status === 'queued'
            ? `Waiting for ${target.peer}’s disclosure officer; decision due ${formatInstant(reply['deadline'])}.`
            : status === 'approved'
              ? 'Released by the owner’s policy.'
              : 'Refused by the owner.',
          ' ',
          h(
            'a',
            { href: '#/requests', class: 'disclosure-outcome__link' },
            'Follow it in Disclosure requests',
          ),
        ),
      );
      announce(`Disclosure request sent to ${target.peer}: ${status}.`);
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 401) return;
      const panel = problemPanel('The request was not accepted', err);
      replace(outcome, panel);
      panel.focus();
    } finally {
      busy = false;
      submit.removeAttribute('aria-disabled');
      submit.textContent = 'Send request';
    }
  }

  return h('div', { class: 'disclosure-request' }, toggleButton, form, outcome);
}
