import { ApiProblem } from '../api.js';
import { h } from '../dom.js';

/**
 * A problem document as the analyst sees it: what happened, the stable code, and every issue with its path.
 * @param {string} heading
 * @param {unknown} err
 */
export function problemPanel(heading, err) {
  const p =
    err instanceof ApiProblem
      ? err
      : {
          title: 'Something went wrong in the console.',
          code: 'CONSOLE_ERROR',
          status: 0,
          issues: [],
          traceId: undefined,
        };
  return h(
    'div',
    { class: 'problem', role: 'alert', tabindex: '-1' },
    h('h3', { class: 'problem__title' }, heading),
    h('p', {}, p.title),
    h(
      'dl',
      { class: 'kv kv--inline' },
      h('dt', {}, 'Code'),
      h('dd', {}, h('code', { class: 'problem__code' }, p.code)),
      p.status ? [h('dt', {}, 'HTTP status'), h('dd', {}, String(p.status))] : null,
      p.traceId ? [h('dt', {}, 'Trace id'), h('dd', {}, h('code', {}, p.traceId))] : null,
    ),
    p.issues.length > 0
      ? h(
          'ul',
          { class: 'problem__issues' },
          p.issues.map((i) => h('li', {}, h('code', {}, i.path || '/'), ' ', i.message)),
        )
      : null,
  );
}
