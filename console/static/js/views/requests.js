/**
 * The analyst's disclosure requests for a case (`GET /api/v1/disclosures?caseRef=`): status, deadline, the
 * owner's decision and, once approved, the released record with its handling code and retention; a request the
 * owner withdrew (its policy now withholds the record, or the delivery window ended) says why. "Refresh"
 * re-reads the list and asks the node to refresh every request still open from its owner
 * (`GET /api/v1/disclosures/:id`).
 */
import { ApiProblem } from '../api.js';
import { announce, h, nextId, replace } from '../dom.js';
import { readCaseRefs, rememberCaseRef } from '../session.js';
import {
  deadlineView,
  disclosureStatusChip,
  display,
  endedBecause,
  formatInstant,
} from './disclosure-status.js';
import { field, textInput } from './form.js';
import { problemPanel } from './problem.js';

/**
 * @typedef {{ dataset: string, kind: string, fields: Record<string, unknown> }} ReleasedRecord
 * @typedef {{ id: string, peer: string, ref: string, caseRef: string, status: string, reasonCode: string, deadline: string, decidedAt?: string, note?: string, record?: ReleasedRecord, handlingCode?: string, retentionDays?: number, policyDigest?: string, expiredAt?: string, replyDigest?: string | null }} Disclosure
 */

/** @param {Disclosure} d */
function requestCard(d) {
  const open = d.status === 'queued';
  const overdue = open && Date.parse(d.deadline) < Date.now();
  const titleId = nextId('request');
  return h(
    'article',
    { class: `request request--${d.status}`, 'aria-labelledby': titleId, 'data-disclosure-id': d.id },
    h(
      'header',
      { class: 'request__head' },
      h(
        'h3',
        { id: titleId, class: 'request__title' },
        'Record ',
        h('code', {}, d.ref),
        ' from ',
        h('span', { class: 'mono' }, d.peer),
      ),
      disclosureStatusChip(d.status),
    ),
    h(
      'dl',
      { class: 'kv kv--inline' },
      d.status === 'expired'
        ? [
            h('dt', {}, 'Record deleted'),
            h('dd', {}, formatInstant(d.expiredAt)),
            h('dt', {}, 'Signed reply digest'),
            h('dd', { class: 'mono' }, display(d.replyDigest)),
          ]
        : [
            h('dt', {}, 'Reason'),
            h('dd', {}, h('code', { class: 'reason' }, display(d.reasonCode))),
            h('dt', {}, open ? 'Decision due' : 'Deadline was'),
            h('dd', {}, open ? deadlineView(d.deadline, overdue) : formatInstant(d.deadline)),
          ],
      d.status === 'withdrawn' && endedBecause(d.reasonCode)
        ? [h('dt', {}, 'Why'), h('dd', { class: 'request__why' }, endedBecause(d.reasonCode))]
        : null,
      d.decidedAt ? [h('dt', {}, 'Decided'), h('dd', {}, formatInstant(d.decidedAt))] : null,
      d.note ? [h('dt', {}, 'Owner’s note'), h('dd', { class: 'request__note' }, d.note)] : null,
      h('dt', {}, 'Request id'),
      h('dd', { class: 'mono' }, d.id),
    ),
    d.record ? recordView(d) : null,
  );
}

/** @param {Disclosure} d */
function recordView(d) {
  const record = /** @type {ReleasedRecord} */ (d.record);
  const fields = record.fields && typeof record.fields === 'object' ? Object.entries(record.fields) : [];
  return h(
    'section',
    { class: 'record', 'aria-label': 'Released record' },
    h('h4', { class: 'record__title' }, 'Released record'),
    h(
      'dl',
      { class: 'record__terms' },
      h(
        'div',
        {},
        h('dt', {}, 'Handling code'),
        h('dd', { class: 'record__handling' }, display(d.handlingCode)),
      ),
      h(
        'div',
        {},
        h('dt', {}, 'Retention'),
        h(
          'dd',
          { class: 'record__retention' },
          typeof d.retentionDays === 'number' ? `${d.retentionDays} days` : '—',
        ),
      ),
      h('div', {}, h('dt', {}, 'Dataset'), h('dd', { class: 'mono' }, display(record.dataset))),
      h('div', {}, h('dt', {}, 'Kind'), h('dd', {}, display(record.kind))),
    ),
    h(
      'dl',
      { class: 'kv record__fields' },
      fields.map(([k, v]) => [h('dt', {}, k), h('dd', {}, display(v))]),
    ),
    d.policyDigest
      ? h('p', { class: 'muted record__digest' }, 'Policy ', h('code', {}, d.policyDigest))
      : null,
    h(
      'p',
      { class: 'muted' },
      'Signed by the owner; the node keeps its signed reply as evidence of what was released.',
    ),
  );
}

/** @param {import('./registry.js').ViewContext} ctx */
export function requestsView(ctx) {
  const headingId = nextId('requests');
  const cases = h('datalist', { id: nextId('cases') });
  const caseInput = textInput({ class: 'input mono', list: cases.id, maxlength: '128' });
  const caseField = field({
    name: 'caseRef',
    label: 'Case reference',
    hint: 'The requests of one case; the cases asked about in this session are suggested.',
    required: true,
    control: caseInput,
  });
  const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { class: 'request-list' });
  let busy = false;
  let lastSuggested = '';

  function fillCases() {
    const known = readCaseRefs();
    replace(
      cases,
      known.map((c) => h('option', { value: c })),
    );
    // A case newly asked about (a request just sent) is where the analyst wants to look.
    if (known[0] && (caseInput.value === '' || known[0] !== lastSuggested)) caseInput.value = known[0];
    lastSuggested = known[0] ?? '';
  }

  /** Read the case's requests; every one still open is refreshed from its owner on the way. */
  async function load() {
    const caseRef = caseInput.value.trim();
    caseField.setError(null);
    if (caseRef === '') {
      caseField.setError('Enter the case reference');
      caseInput.focus();
      return;
    }
    if (busy) return;
    busy = true;
    list.setAttribute('aria-busy', 'true');
    status.textContent = 'Loading, and asking the owners about open requests…';
    try {
      const page = /** @type {{ items: Disclosure[] }} */ (
        await ctx.api.listDisclosures(caseRef, ctx.signal)
      );
      let items = Array.isArray(page?.items) ? page.items : [];
      items = await Promise.all(
        items.map((d) =>
          d.status === 'queued' || (d.status === 'approved' && !d.record)
            ? /** @type {Promise<Disclosure>} */ (ctx.api.getDisclosure(d.id, ctx.signal)).catch(() => d)
            : d,
        ),
      );
      rememberCaseRef(caseRef);
      fillCases();
      replace(
        list,
        items.length === 0
          ? h('p', { class: 'empty' }, `No disclosure request for case ${caseRef} yet.`)
          : items.map(requestCard),
      );
      const counts = ['approved', 'queued', 'refused', 'withdrawn', 'expired']
        .map((s) => [s, items.filter((d) => d.status === s).length])
        .filter(([, n]) => Number(n) > 0)
        .map(([s, n]) => `${n} ${s === 'queued' ? 'waiting' : s}`);
      const text = `Case ${caseRef}: ${items.length} request${items.length === 1 ? '' : 's'}${counts.length ? ` (${counts.join(', ')})` : ''}. Updated ${new Date().toLocaleTimeString('en-GB', { hour12: false })}.`;
      status.textContent = text;
      announce(text);
    } catch (err) {
      if (ctx.signal.aborted || (err instanceof ApiProblem && err.status === 401)) return;
      status.textContent = '';
      const panel = problemPanel('The requests could not be read', err);
      replace(list, panel);
      panel.focus();
    } finally {
      busy = false;
      list.removeAttribute('aria-busy');
    }
  }

  const element = h(
    'div',
    { class: 'view view--requests' },
    h(
      'header',
      { class: 'view__head' },
      h('h1', { id: headingId, class: 'view__title', tabindex: '-1' }, 'Disclosure requests'),
      h(
        'p',
        { class: 'view__lede' },
        'Full records asked for from a hit’s owner. Request one from a hit on the search board.',
      ),
    ),
    h(
      'form',
      {
        class: 'toolbar-form',
        novalidate: true,
        'aria-labelledby': headingId,
        onsubmit: (/** @type {Event} */ ev) => {
          ev.preventDefault();
          load();
        },
      },
      caseField.element,
      cases,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'button button--primary' }, 'Show requests'),
        h('button', { type: 'button', class: 'button', onclick: () => load() }, 'Refresh'),
      ),
    ),
    status,
    list,
  );

  fillCases();
  return {
    element,
    focus() {
      document.getElementById(headingId)?.focus();
    },
    /** Each time the view is shown: open on the latest case asked about. */
    shown() {
      fillCases();
      if (caseInput.value.trim() !== '') load();
    },
  };
}
