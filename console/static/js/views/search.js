/**
 * The analyst's federated search: the form (subject kind, selectors, purpose, legal basis, case, scope) and
 * the live board of every search started in this tab.
 */
import { ApiProblem } from '../api.js';
import { announce, h, nextId, replace } from '../dom.js';
import { readSearchIds, rememberCaseRef, rememberSearchId } from '../session.js';
import {
  buildSearchRequest,
  fieldForIssuePath,
  GENDERS,
  GRANULARITIES,
  PURPOSE_SUGGESTIONS,
  SUBJECT_KINDS,
  subjectKind,
} from '../subjects.js';
import { createBoard } from './board.js';
import { disclosureRequestPanel } from './disclosure-request.js';
import { followBoard } from './follow.js';
import { field, select, textInput } from './form.js';
import { problemPanel } from './problem.js';

/**
 * @param {import('./registry.js').ViewContext} ctx
 */
export function searchView(ctx) {
  /** @type {Map<string, import('./form.js').Field>} */
  const fields = new Map();
  /** Selector values typed so far, per kind, so switching kind and back loses nothing. */
  /** @type {Map<string, Record<string, string>>} */
  const typed = new Map();
  let kind = 'person';
  let busy = false;
  /** @type {import('./board.js').Board[]} */
  const boards = [];

  const headingId = nextId('search-heading');
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true, role: 'alert' });
  const serverProblem = h('div', { class: 'server-problem' });
  const selectorsBox = h('div', { class: 'selectors', id: nextId('selectors') });

  // Subject kind: a radio group, so arrow keys move between kinds and Tab leaves the group.
  const kindGroup = h(
    'div',
    { class: 'segmented', role: 'radiogroup', 'aria-label': 'Subject kind' },
    SUBJECT_KINDS.map((k) => {
      const id = nextId(`kind-${k.kind}`);
      const input = /** @type {HTMLInputElement} */ (
        h('input', {
          type: 'radio',
          name: 'kind',
          id,
          value: k.kind,
          class: 'segmented__input',
          checked: k.kind === kind,
          'data-field': 'kind',
          onchange: () => switchKind(k.kind),
        })
      );
      return [input, h('label', { for: id, class: 'segmented__label' }, k.label)];
    }),
  );

  /** @param {string} name @param {import('./form.js').Field} f */
  function register(name, f) {
    fields.set(name, f);
    return f.element;
  }

  function saveSelectors() {
    /** @type {Record<string, string>} */
    const values = {};
    for (const [name, f] of fields) if (name.startsWith('selector.')) values[name.slice(9)] = f.control.value;
    typed.set(kind, values);
  }

  function renderSelectors() {
    for (const name of [...fields.keys()]) if (name.startsWith('selector.')) fields.delete(name);
    const spec = subjectKind(kind);
    if (!spec) return;
    const values = typed.get(kind) ?? {};
    replace(
      selectorsBox,
      spec.atLeastOne
        ? h('p', { class: 'field__hint selectors__rule' }, 'Fill in at least one selector.')
        : null,
      spec.fields.map((f) => {
        const control =
          f.type === 'gender'
            ? select(
                [{ value: '', label: 'Not specified' }, ...GENDERS.map((g) => ({ value: g, label: g }))],
                values[f.name],
              )
            : textInput({
                ...(f.inputmode ? { inputmode: f.inputmode } : {}),
                ...(f.type === 'country'
                  ? { maxlength: '2', class: 'input input--short', autocapitalize: 'characters' }
                  : {}),
                ...(f.type === 'date' ? { inputmode: 'numeric', class: 'input input--date' } : {}),
              });
        if (f.type !== 'gender') /** @type {HTMLInputElement} */ (control).value = values[f.name] ?? '';
        return register(
          `selector.${f.name}`,
          field({
            name: `selector.${f.name}`,
            wide: f.type === 'text',
            label: f.label,
            ...(f.hint ? { hint: f.hint } : {}),
            required: f.required === true,
            control,
          }),
        );
      }),
    );
  }

  /** @param {string} next */
  function switchKind(next) {
    saveSelectors();
    kind = next;
    renderSelectors();
    clearErrors();
  }

  const purposeList = h(
    'datalist',
    { id: nextId('purposes') },
    PURPOSE_SUGGESTIONS.map((p) => h('option', { value: p })),
  );
  const purpose = textInput({ list: purposeList.id });
  const legalBasis = textInput({ maxlength: '256' });
  const caseRef = textInput({ maxlength: '128', class: 'input mono' });
  const granularity = select(GRANULARITIES, 'exists');
  const agencies = textInput();
  const groups = textInput();
  const required = textInput();
  const deadline = textInput({ inputmode: 'decimal', class: 'input input--short' });
  const peerDeadline = textInput({ inputmode: 'decimal', class: 'input input--short' });

  const submit = /** @type {HTMLButtonElement} */ (
    h(
      'button',
      { type: 'submit', class: 'button button--primary', id: 'search-submit' },
      'Search the federation',
    )
  );

  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'search-form', novalidate: true, 'aria-labelledby': headingId, onsubmit: onSubmit },
      summary,
      serverProblem,
      h(
        'fieldset',
        { class: 'group' },
        h('legend', { class: 'group__legend' }, 'Subject'),
        kindGroup,
        selectorsBox,
      ),
      h(
        'fieldset',
        { class: 'group' },
        h('legend', { class: 'group__legend' }, 'Justification'),
        h('p', { class: 'group__note' }, 'Sent, signed, to every peer and recorded in both ledgers.'),
        register(
          'purpose',
          field({
            name: 'purpose',
            label: 'Purpose',
            hint: 'From the federation vocabulary, e.g. trafficking-investigation',
            required: true,
            control: purpose,
          }),
        ),
        purposeList,
        register(
          'legalBasis',
          field({
            name: 'legalBasis',
            label: 'Legal basis',
            hint: 'e.g. Art. 39 Prüm Decision',
            required: true,
            control: legalBasis,
          }),
        ),
        register(
          'caseRef',
          field({
            name: 'caseRef',
            label: 'Case reference',
            hint: 'e.g. RO-2026-0042',
            required: true,
            control: caseRef,
          }),
        ),
      ),
      h(
        'fieldset',
        { class: 'group' },
        h('legend', { class: 'group__legend' }, 'Scope'),
        register(
          'granularity',
          field({
            name: 'granularity',
            label: 'Ask for',
            hint: 'A peer may answer more coarsely and says so.',
            control: granularity,
          }),
        ),
        h(
          'details',
          { class: 'advanced' },
          h('summary', {}, 'Peers and deadlines'),
          h(
            'div',
            { class: 'advanced__body' },
            register(
              'agencies',
              field({
                name: 'agencies',
                label: 'Target agencies',
                hint: 'Agency ids, comma-separated. Empty: every member.',
                control: agencies,
              }),
            ),
            register(
              'groups',
              field({ name: 'groups', label: 'Target groups', hint: 'e.g. jit-danube', control: groups }),
            ),
            register(
              'required',
              field({
                name: 'required',
                label: 'Required peers',
                hint: 'The search fails if one of these does not answer.',
                control: required,
              }),
            ),
            h(
              'div',
              { class: 'field-row' },
              register(
                'deadlineSeconds',
                field({
                  name: 'deadlineSeconds',
                  label: 'Deadline (s)',
                  hint: '0.1–60, default 10',
                  control: deadline,
                }),
              ),
              register(
                'peerDeadlineSeconds',
                field({
                  name: 'peerDeadlineSeconds',
                  label: 'Per peer (s)',
                  hint: '0.1–60',
                  control: peerDeadline,
                }),
              ),
            ),
          ),
        ),
      ),
      h(
        'div',
        { class: 'actions' },
        submit,
        h('button', { type: 'button', class: 'button', onclick: resetForm }, 'Clear'),
      ),
    )
  );

  const historyList = h('ol', { class: 'history__list' });
  const history = h(
    'nav',
    { class: 'history', 'aria-label': 'Searches in this session', hidden: true },
    h('h2', { class: 'history__title' }, 'This session'),
    historyList,
  );
  const boardArea = h(
    'div',
    { class: 'board-area' },
    h(
      'div',
      { class: 'empty' },
      h('h2', { class: 'empty__title' }, 'No search yet'),
      h(
        'p',
        {},
        'Each peer appears here the moment it answers: hit, no hit, denied by its policy, timed out or unreachable. ',
        'A slow or dead peer never holds up the others.',
      ),
    ),
  );

  const element = h(
    'div',
    { class: 'view view--search' },
    h(
      'header',
      { class: 'view__head' },
      h('h1', { id: headingId, class: 'view__title', tabindex: '-1' }, 'Federated search'),
      h(
        'p',
        { class: 'view__lede' },
        'One signed query per peer. Each peer answers under its own sharing policy.',
      ),
    ),
    h(
      'div',
      { class: 'search-layout' },
      h('div', { class: 'search-layout__form' }, form),
      h('div', { class: 'search-layout__results' }, history, boardArea),
    ),
  );

  function clearErrors() {
    for (const f of fields.values()) f.setError(null);
    summary.hidden = true;
    summary.replaceChildren();
  }

  /**
   * @param {{ field: string, message: string }[]} errors
   * @param {string} heading
   */
  function showErrors(errors, heading) {
    for (const e of errors) fields.get(e.field)?.setError(e.message);
    replace(
      summary,
      h('h3', { class: 'error-summary__title' }, heading),
      h(
        'ul',
        {},
        errors.map((e) => {
          const f = fields.get(e.field);
          const label = f?.element.querySelector('label')?.firstChild?.textContent ?? e.field;
          return h(
            'li',
            {},
            f
              ? h(
                  'a',
                  {
                    href: `#${f.control.id}`,
                    onclick: (/** @type {Event} */ ev) => {
                      ev.preventDefault();
                      f.control.focus();
                    },
                  },
                  `${label}: ${e.message}`,
                )
              : `${label}: ${e.message}`,
          );
        }),
      ),
    );
    summary.hidden = false;
    summary.focus();
  }

  function resetForm() {
    typed.clear();
    form.reset();
    granularity.value = 'exists';
    kind = 'person';
    const first = /** @type {HTMLInputElement | null} */ (kindGroup.querySelector('input[value="person"]'));
    if (first) first.checked = true;
    renderSelectors();
    clearErrors();
    serverProblem.replaceChildren();
  }

  /** @param {Event} ev */
  async function onSubmit(ev) {
    ev.preventDefault();
    if (busy) return;
    clearErrors();
    serverProblem.replaceChildren();
    saveSelectors();
    const result = buildSearchRequest({
      kind,
      selectors: typed.get(kind) ?? {},
      purpose: purpose.value,
      legalBasis: legalBasis.value,
      caseRef: caseRef.value,
      granularity: granularity.value,
      agencies: agencies.value,
      groups: groups.value,
      required: required.value,
      deadlineSeconds: deadline.value,
      peerDeadlineSeconds: peerDeadline.value,
    });
    if (!result.ok) {
      showErrors(
        result.errors,
        `Check ${result.errors.length === 1 ? 'this field' : `these ${result.errors.length} fields`}`,
      );
      return;
    }
    // aria-disabled rather than disabled: a disabled button would drop keyboard focus to the page.
    busy = true;
    submit.setAttribute('aria-disabled', 'true');
    submit.textContent = 'Signing and sending…';
    form.setAttribute('aria-busy', 'true');
    try {
      const state = await ctx.api.startSearch(result.body);
      start(/** @type {import('./board.js').SearchState} */ (state));
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 401) return;
      const panel = problemPanel('The node refused this search', err);
      replace(serverProblem, panel);
      if (err instanceof ApiProblem) {
        for (const i of err.issues) {
          const name = fieldForIssuePath(i.path);
          if (name) fields.get(name)?.setError(i.message);
        }
      }
      panel.focus();
      announce(`Search refused: ${err instanceof ApiProblem ? err.code : 'error'}`);
    } finally {
      busy = false;
      submit.removeAttribute('aria-disabled');
      submit.textContent = 'Search the federation';
      form.removeAttribute('aria-busy');
    }
  }

  /**
   * A board whose hits can be asked for in full (step 2), under the search's purpose, legal basis and case.
   * @param {import('./board.js').SearchState} state
   */
  function boardFor(state) {
    const req = state.request ?? {};
    return createBoard(state, {
      requestRecord: ({ peer, ref, dataset }) =>
        disclosureRequestPanel(ctx, {
          peer,
          ref,
          dataset,
          caseRef: state.caseRef,
          purpose: String(req['purpose'] ?? ''),
          legalBasis: String(req['legalBasis'] ?? ''),
        }),
    });
  }

  /** @param {import('./board.js').SearchState} state */
  function start(state) {
    const board = boardFor(state);
    boards.unshift(board);
    rememberSearchId(state.id);
    rememberCaseRef(state.caseRef);
    show(board);
    // In the one-column layout the board is below the form: bring it into view.
    if (window.matchMedia('(max-width: 1100px)').matches) board.element.scrollIntoView({ block: 'start' });
    announce(`Search started for case ${state.caseRef}: ${state.peers.length} peers asked.`);
    followBoard(ctx.api, board, ctx.signal).finally(renderHistory);
  }

  /** @param {import('./board.js').Board} board */
  function show(board) {
    replace(boardArea, board.element);
    renderHistory(board);
  }

  /** @param {import('./board.js').Board} [current] */
  function renderHistory(current) {
    const shown = current ?? boards.find((b) => boardArea.contains(b.element));
    history.hidden = boards.length < 2;
    replace(
      historyList,
      boards.map((b) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'history__item',
              'aria-current': b === shown ? 'true' : null,
              onclick: () => {
                show(b);
                b.focusTitle();
              },
            },
            h('span', { class: 'mono' }, b.caseRef),
            ' ',
            h('span', { class: 'history__kind' }, subjectKind(b.kind)?.label ?? b.kind),
            ' ',
            h('span', { class: 'history__status' }, b.statusText),
          ),
        ),
      ),
    );
  }

  /** After a reload: bring back this tab's searches from the node, the newest on the board. */
  async function restore() {
    const ids = readSearchIds();
    if (ids.length === 0) return;
    const states = await Promise.all(ids.map((id) => ctx.api.getSearch(id, ctx.signal).catch(() => null)));
    /** @type {import('./board.js').Board[]} */
    const restored = [];
    for (const state of states) {
      if (!state || typeof state !== 'object' || ctx.signal.aborted) continue;
      const board = boardFor(/** @type {import('./board.js').SearchState} */ (state));
      restored.push(board);
      if (board.running) followBoard(ctx.api, board, ctx.signal).finally(renderHistory);
    }
    // Searches started while these loaded stay first.
    boards.push(...restored);
    if (boards.length === restored.length && boards[0]) show(boards[0]);
    else renderHistory();
  }

  /**
   * Searches started elsewhere in this tab (a pivot from the link chart) join the list; `#/search/<id>` opens
   * that search's board.
   * @param {string} [id]
   */
  async function catchUp(id) {
    await restoring;
    const known = new Set(boards.map((b) => b.id));
    const missing = readSearchIds().filter((x) => !known.has(x));
    const states = await Promise.all(missing.map((x) => ctx.api.getSearch(x, ctx.signal).catch(() => null)));
    for (const state of states.reverse()) {
      if (!state || typeof state !== 'object' || ctx.signal.aborted) continue;
      const board = boardFor(/** @type {import('./board.js').SearchState} */ (state));
      boards.unshift(board);
      if (board.running) followBoard(ctx.api, board, ctx.signal).finally(renderHistory);
    }
    const wanted = id ? boards.find((b) => b.id === id) : undefined;
    if (wanted) {
      show(wanted);
      wanted.focusTitle();
    } else if (missing.length > 0) renderHistory();
  }

  renderSelectors();
  const restoring = restore();
  return {
    element,
    focus() {
      document.getElementById(headingId)?.focus();
    },
    /** @param {string} [id] */
    shown(id) {
      catchUp(id);
    },
  };
}
