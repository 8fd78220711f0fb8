/**
 * The disclosure officer's inbox (`GET /api/v1/disclosures/inbox`): peers' requests for full records held by
 * this agency, soonest deadline first, overdue ones said in words. Each shows who asks (the requester's
 * pseudonym and agency), for which case, purpose and legal basis, the justification, the policy's advice
 * (rules, handling code, retention, the fields that would be released) and the exact values approval releases.
 * Approve with an optional note (the node approves only if those values are still what it would release), or
 * refuse with a reason the requester sees; a decided request leaves the queue.
 */
import { ApiProblem } from '../api.js';
import { announce, h, nextId, replace } from '../dom.js';
import { deadlineView, disclosureStatusChip, display, formatInstant } from './disclosure-status.js';
import { field, select } from './form.js';
import { problemPanel } from './problem.js';

/**
 * @typedef {{ reasonCode: string, ruleIds: string[], handlingCode?: string, retentionDays?: number }} Advice
 * @typedef {{ id: string, peer: string, caseRef: string, purpose: string, legalBasis: string, justification: string, urgency: string, requester: string, dataset: string, kind: string, status: string, reasonCode: string, advice: Advice, releasedFields: string[], release: Record<string, string> | null, releaseDigest?: string, deadline: string, overdue: boolean, createdAt: string, decidedAt?: string, decidedBy?: string, note?: string, delivered: boolean, deliveries: number, maxDeliveries: number, deliveryEndsAt?: string }} InboxItem
 */

const FILTERS = [
  { value: 'queued', label: 'Waiting for a decision' },
  { value: 'approved', label: 'Approved' },
  { value: 'refused', label: 'Refused' },
  { value: 'withdrawn', label: 'Withdrawn' },
  { value: 'expired', label: 'Ended' },
  { value: 'all', label: 'All' },
];

const URGENCY = { urgent: 'Urgent', standard: 'Standard', 'non-urgent': 'Not urgent' };

/** Approvals the node refused after reading the record again: the inbox is reloaded with this said first. */
const REREAD = /** @type {Record<string, string>} */ ({
  MOSAIC_ERR_DISCLOSURE_RECORD_CHANGED:
    'Not approved: what approval releases has changed. Review the values shown now and decide again.',
  MOSAIC_ERR_DISCLOSURE_WITHHELD:
    'Not approved: the policy now withholds this record; the request was refused.',
  MOSAIC_ERR_DISCLOSURE_EXPIRED: 'Not approved: the hit reference has run out; the request was refused.',
});

/** @param {string} u */
function urgencyTag(u) {
  const label = Object.hasOwn(URGENCY, u) ? URGENCY[/** @type {keyof typeof URGENCY} */ (u)] : u;
  return h('span', { class: `tag tag--urgency tag--${u === 'urgent' ? 'urgent' : 'plain'}` }, label);
}

/** @param {import('./registry.js').ViewContext} ctx */
export function inboxView(ctx) {
  const headingId = nextId('inbox');
  const filter = select(FILTERS, 'queued');
  const filterField = field({ name: 'status', label: 'Show', control: filter });
  const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const list = h('ol', { class: 'inbox-list', 'aria-labelledby': headingId });
  let busy = false;

  /** @param {InboxItem} item */
  function itemCard(item) {
    const titleId = nextId('inbox-item');
    const open = item.status === 'queued';
    const overdue = open && item.overdue === true;
    const advice = item.advice ?? { reasonCode: '', ruleIds: [] };
    return h(
      'li',
      {
        class: `inbox-item${overdue ? ' inbox-item--overdue' : ''}`,
        'data-inbox-id': item.id,
        'data-status': item.status,
      },
      h(
        'article',
        { 'aria-labelledby': titleId },
        h(
          'header',
          { class: 'inbox-item__head' },
          h(
            'h2',
            { id: titleId, class: 'inbox-item__title' },
            h('span', { class: 'mono' }, item.peer),
            ' asks for a ',
            display(item.kind),
            ' record, case ',
            h('span', { class: 'mono' }, item.caseRef),
          ),
          h(
            'div',
            { class: 'inbox-item__badges' },
            urgencyTag(item.urgency),
            disclosureStatusChip(item.status),
          ),
        ),
        h(
          'p',
          { class: 'inbox-item__deadline' },
          open ? 'Decide by ' : 'Deadline was ',
          open ? deadlineView(item.deadline, overdue) : formatInstant(item.deadline),
        ),
        h(
          'div',
          { class: 'inbox-item__body' },
          h(
            'dl',
            { class: 'kv' },
            h('dt', {}, 'Requester'),
            h(
              'dd',
              {},
              h('code', { class: 'inbox-item__requester' }, display(item.requester)),
              ' at ',
              item.peer,
            ),
            h('dt', {}, 'Case'),
            h('dd', { class: 'mono' }, display(item.caseRef)),
            h('dt', {}, 'Purpose'),
            h('dd', {}, display(item.purpose)),
            h('dt', {}, 'Legal basis'),
            h('dd', { class: 'inbox-item__basis' }, display(item.legalBasis)),
            h('dt', {}, 'Urgency'),
            h('dd', {}, display(item.urgency)),
            h('dt', {}, 'Dataset'),
            h('dd', { class: 'mono' }, display(item.dataset)),
            h('dt', {}, 'Received'),
            h('dd', {}, formatInstant(item.createdAt)),
          ),
          h(
            'section',
            { class: 'justification', 'aria-label': 'Justification' },
            h('h3', { class: 'inbox-item__subtitle' }, 'Justification'),
            h('blockquote', { class: 'justification__text' }, display(item.justification)),
          ),
          h(
            'section',
            { class: 'advice', 'aria-label': 'The policy’s advice' },
            h('h3', { class: 'inbox-item__subtitle' }, 'The policy’s advice'),
            h(
              'dl',
              { class: 'kv' },
              h('dt', {}, 'Reason'),
              h('dd', {}, h('code', { class: 'reason' }, display(advice.reasonCode))),
              h('dt', {}, 'Rules'),
              h(
                'dd',
                { class: 'advice__rules' },
                Array.isArray(advice.ruleIds) && advice.ruleIds.length > 0
                  ? advice.ruleIds.map((r) => h('code', { class: 'rule' }, r))
                  : '—',
              ),
              h('dt', {}, 'Handling code'),
              h('dd', { class: 'advice__handling' }, display(advice.handlingCode)),
              h('dt', {}, 'Retention'),
              h(
                'dd',
                { class: 'advice__retention' },
                typeof advice.retentionDays === 'number' ? `${advice.retentionDays} days` : '—',
              ),
              h('dt', {}, 'Would release'),
              h(
                'dd',
                {},
                Array.isArray(item.releasedFields) && item.releasedFields.length > 0
                  ? h(
                      'ul',
                      { class: 'field-list advice__fields' },
                      item.releasedFields.map((f) => h('li', {}, h('code', {}, f))),
                    )
                  : 'no field',
              ),
            ),
          ),
          releaseView(item),
        ),
        open ? decideForms(item, titleId) : decisionView(item),
      ),
    );
  }

  /**
   * The values an approval releases (or released), exactly as the requester would receive them; gone once the
   * request is refused, withdrawn or ended.
   * @param {InboxItem} item
   */
  function releaseView(item) {
    const values = item.release && typeof item.release === 'object' ? Object.entries(item.release) : null;
    return h(
      'section',
      { class: 'release', 'aria-label': 'What approval releases' },
      h(
        'h3',
        { class: 'inbox-item__subtitle' },
        item.status === 'queued' ? 'Approval releases exactly' : 'Released values',
      ),
      values === null
        ? h('p', { class: 'muted' }, 'Not kept: the request is no longer deliverable.')
        : values.length === 0
          ? h('p', { class: 'muted' }, 'No field.')
          : h(
              'dl',
              { class: 'kv release__values' },
              values.map(([k, v]) => [h('dt', {}, h('code', {}, k)), h('dd', {}, display(v))]),
            ),
    );
  }

  /** @param {InboxItem} item */
  function decisionView(item) {
    return h(
      'dl',
      { class: 'kv kv--inline inbox-item__decision' },
      h('dt', {}, 'Decided'),
      h('dd', {}, formatInstant(item.decidedAt)),
      h('dt', {}, 'By'),
      h('dd', {}, h('code', {}, display(item.decidedBy))),
      h('dt', {}, 'Reason'),
      h('dd', {}, h('code', { class: 'reason' }, display(item.reasonCode))),
      item.note ? [h('dt', {}, 'Note'), h('dd', {}, item.note)] : null,
      h('dt', {}, 'Delivered'),
      h(
        'dd',
        {},
        item.delivered
          ? `yes, ${item.deliveries} of at most ${item.maxDeliveries} times`
          : item.status === 'approved'
            ? 'not yet'
            : 'no',
      ),
      item.deliveryEndsAt && item.status === 'approved'
        ? [h('dt', {}, 'Deliverable until'), h('dd', {}, formatInstant(item.deliveryEndsAt))]
        : null,
    );
  }

  /** @param {InboxItem} item @param {string} titleId */
  function decideForms(item, titleId) {
    const note = /** @type {HTMLTextAreaElement} */ (
      h('textarea', { class: 'input textarea', rows: '2', maxlength: '2000' })
    );
    const reason = /** @type {HTMLTextAreaElement} */ (
      h('textarea', { class: 'input textarea', rows: '2', maxlength: '2000' })
    );
    const fNote = field({
      name: 'note',
      label: 'Note',
      hint: 'Optional; kept with the decision on this node, not sent to the requester.',
      control: /** @type {HTMLInputElement} */ (/** @type {unknown} */ (note)),
    });
    const fReason = field({
      name: 'reason',
      label: 'Reason for refusing',
      hint: 'Required, 3–2000 characters; the requester sees it.',
      required: true,
      control: /** @type {HTMLInputElement} */ (/** @type {unknown} */ (reason)),
    });
    const outcome = h('div', { class: 'inbox-item__outcome' });

    /**
     * @param {'approve' | 'refuse'} action
     * @param {Event} ev
     */
    async function decide(action, ev) {
      ev.preventDefault();
      if (busy) return;
      fReason.setError(null);
      if (action === 'refuse') {
        const r = reason.value.trim();
        if (r.length < 3 || r.length > 2000) {
          fReason.setError('Give the reason for refusing, 3 to 2000 characters');
          reason.focus();
          return;
        }
      }
      busy = true;
      try {
        const decided = /** @type {InboxItem} */ (
          action === 'approve'
            ? await ctx.api.approve(item.id, note.value.trim(), item.releaseDigest)
            : await ctx.api.refuse(item.id, reason.value.trim())
        );
        const verb = decided.status === 'approved' ? 'Approved' : 'Refused';
        busy = false;
        await load(`${verb}: ${item.peer}’s request for case ${item.caseRef}.`);
        document.getElementById(headingId)?.focus();
      } catch (err) {
        busy = false;
        if (err instanceof ApiProblem && err.status === 401) return;
        // The node re-read the record: the inbox must show what it now holds before anyone decides again.
        const reread = err instanceof ApiProblem ? REREAD[err.code] : undefined;
        if (reread) {
          await load(reread);
          document.getElementById(headingId)?.focus();
          return;
        }
        const panel = problemPanel(
          err instanceof ApiProblem && err.code === 'MOSAIC_ERR_DISCLOSURE_DECIDED'
            ? 'Already decided by another officer; refresh the inbox'
            : 'The decision was not recorded',
          err,
        );
        replace(outcome, panel);
        panel.focus();
      }
    }

    return h(
      'div',
      { class: 'decide', role: 'group', 'aria-labelledby': titleId },
      h(
        'form',
        {
          class: 'decide__form',
          novalidate: true,
          'aria-label': 'Approve',
          onsubmit: (/** @type {Event} */ ev) => decide('approve', ev),
        },
        fNote.element,
        h(
          'button',
          { type: 'submit', class: 'button button--primary' },
          'Approve',
          h('span', { class: 'visually-hidden' }, ` ${item.peer}’s request for case ${item.caseRef}`),
        ),
      ),
      h(
        'form',
        {
          class: 'decide__form',
          novalidate: true,
          'aria-label': 'Refuse',
          onsubmit: (/** @type {Event} */ ev) => decide('refuse', ev),
        },
        fReason.element,
        h(
          'button',
          { type: 'submit', class: 'button button--danger' },
          'Refuse',
          h('span', { class: 'visually-hidden' }, ` ${item.peer}’s request for case ${item.caseRef}`),
        ),
      ),
      outcome,
    );
  }

  /** @param {string} [prefix] what just happened, announced with the new state */
  async function load(prefix) {
    if (busy) return;
    busy = true;
    list.setAttribute('aria-busy', 'true');
    try {
      const page = /** @type {{ items: InboxItem[] }} */ (await ctx.api.inbox(filter.value, ctx.signal));
      const items = Array.isArray(page?.items) ? page.items : [];
      const overdue = items.filter((i) => i.status === 'queued' && i.overdue).length;
      const which = FILTERS.find((f) => f.value === filter.value)?.label.toLowerCase() ?? filter.value;
      replace(
        list,
        items.length === 0
          ? h(
              'li',
              { class: 'empty' },
              filter.value === 'queued' ? 'No request is waiting.' : 'Nothing here.',
            )
          : items.map(itemCard),
      );
      const text = `${prefix ? `${prefix} ` : ''}${items.length} request${items.length === 1 ? '' : 's'} ${which === 'all' ? 'in total' : `(${which})`}${overdue > 0 ? `, ${overdue} overdue` : ''}.`;
      status.textContent = text;
      announce(text);
    } catch (err) {
      if (ctx.signal.aborted || (err instanceof ApiProblem && err.status === 401)) return;
      const panel = problemPanel('The inbox could not be read', err);
      replace(list, h('li', {}, panel));
      panel.focus();
    } finally {
      busy = false;
      list.removeAttribute('aria-busy');
    }
  }

  filter.addEventListener('change', () => load());

  const element = h(
    'div',
    { class: 'view view--inbox' },
    h(
      'header',
      { class: 'view__head' },
      h('h1', { id: headingId, class: 'view__title', tabindex: '-1' }, 'Disclosure inbox'),
      h(
        'p',
        { class: 'view__lede' },
        'Peers’ requests for full records held by this agency, the soonest deadline first.',
      ),
    ),
    h(
      'div',
      { class: 'toolbar-form' },
      filterField.element,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'button', onclick: () => load() }, 'Refresh'),
      ),
    ),
    status,
    list,
  );

  return {
    element,
    focus() {
      document.getElementById(headingId)?.focus();
    },
    shown() {
      load();
    },
  };
}
