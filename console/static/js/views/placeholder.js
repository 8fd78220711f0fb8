import { h, nextId } from '../dom.js';

/**
 * A view whose API has not landed yet: says plainly what will be here and which API it waits for, so the
 * navigation for every role is already in place.
 * @param {{ title: string, lede: string, waitsFor: string, items: string[] }} o
 */
export function placeholderView(o) {
  const headingId = nextId('placeholder');
  const element = h(
    'div',
    { class: 'view view--placeholder' },
    h(
      'header',
      { class: 'view__head' },
      h('h1', { id: headingId, class: 'view__title', tabindex: '-1' }, o.title),
      h('p', { class: 'view__lede' }, o.lede),
    ),
    h(
      'section',
      { class: 'placeholder', 'aria-labelledby': `${headingId}-status` },
      h('h2', { id: `${headingId}-status`, class: 'placeholder__title' }, 'Not available yet'),
      h(
        'p',
        {},
        `This view arrives with ${o.waitsFor}. Until then this node serves nothing for it, and the console shows nothing it cannot prove.`,
      ),
      h('h3', { class: 'placeholder__subtitle' }, 'What will be here'),
      h(
        'ul',
        { class: 'placeholder__list' },
        o.items.map((i) => h('li', {}, i)),
      ),
    ),
  );
  return {
    element,
    focus() {
      document.getElementById(headingId)?.focus();
    },
  };
}
