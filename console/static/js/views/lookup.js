/**
 * Open any search by its id (auditors may read every search on this node): the same board the analyst saw,
 * read from `GET /api/v1/searches/:id`, live if the search is still running.
 */
import { ApiProblem } from '../api.js';
import { h, nextId, replace } from '../dom.js';
import { createBoard } from './board.js';
import { followBoard } from './follow.js';
import { field, textInput } from './form.js';
import { problemPanel } from './problem.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** @param {import('./registry.js').ViewContext} ctx */
export function lookupView(ctx) {
  const headingId = nextId('lookup');
  const input = textInput({ class: 'input mono', placeholder: '00000000-0000-0000-0000-000000000000' });
  const idField = field({
    name: 'searchId',
    label: 'Search id',
    hint: 'The id shown on the analyst’s board and in the ledger.',
    required: true,
    control: input,
  });
  const result = h('div', { class: 'board-area' });
  /** @type {AbortController | null} */
  let following = null;

  /** @param {Event} ev */
  async function open(ev) {
    ev.preventDefault();
    const id = input.value.trim();
    idField.setError(null);
    if (!UUID.test(id)) {
      idField.setError('Enter a search id (a UUID)');
      input.focus();
      return;
    }
    following?.abort();
    following = new AbortController();
    const signal = AbortSignal.any([ctx.signal, following.signal]);
    try {
      const state = /** @type {import('./board.js').SearchState} */ (await ctx.api.getSearch(id, signal));
      const board = createBoard(state);
      board.reconcile(state);
      replace(result, board.element);
      board.focusTitle();
      if (board.running) followBoard(ctx.api, board, signal);
    } catch (err) {
      if (signal.aborted || (err instanceof ApiProblem && err.status === 401)) return;
      const panel = problemPanel('The search could not be opened', err);
      replace(result, panel);
      panel.focus();
    }
  }

  const element = h(
    'div',
    { class: 'view view--lookup' },
    h(
      'header',
      { class: 'view__head' },
      h('h1', { id: headingId, class: 'view__title', tabindex: '-1' }, 'Search lookup'),
      h(
        'p',
        { class: 'view__lede' },
        'Read any federated search run from this node: every peer, its status and what it released.',
      ),
    ),
    h(
      'form',
      { class: 'lookup-form', novalidate: true, 'aria-labelledby': headingId, onsubmit: open },
      idField.element,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'button button--primary' }, 'Open search'),
      ),
    ),
    result,
  );
  return {
    element,
    focus() {
      document.getElementById(headingId)?.focus();
    },
  };
}
