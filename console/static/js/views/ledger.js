/**
 * The auditor's ledger: the node's audit log as a filterable table with keyset pages
 * (`GET /api/v1/audit/events`), an entry's detail with its inclusion proof, checked again in the browser
 * (`GET /api/v1/audit/events/:index`), "Verify ledger" (`GET /api/v1/audit/verify`), the export of an
 * offline-verifiable bundle (`GET /api/v1/audit/export`, saved through a Blob URL) and the checkpoint and
 * witness status per peer (`GET /api/v1/audit/checkpoints`), split views first.
 */
import { ApiProblem } from '../api.js';
import { announce, h, nextId, replace } from '../dom.js';
import { display, formatInstant } from './disclosure-status.js';
import { field, select, textInput } from './form.js';
import { problemPanel } from './problem.js';
import { checkInclusion } from './proof.js';

/** The audit event kinds (contracts/schemas/audit-event.ts AUDIT_EVENT_KINDS). */
export const EVENT_KINDS = [
  'query-sent',
  'query-received',
  'decision',
  'response-sent',
  'response-received',
  'disclosure-requested',
  'disclosure-approved',
  'disclosure-refused',
  'disclosure-delivered',
  'disclosure-withdrawn',
  'disclosure-expired',
  'rejected',
  'policy-bundle-changed',
  'trust-list-changed',
  'user-changed',
  'key-changed',
  'witness-conflict',
  'ledger-purged',
  'peer-enumeration-suspected',
];

/**
 * @typedef {Record<string, unknown> & { kind: string, direction: string, time: string, officer: string }} AuditEvent
 * @typedef {{ index: number, leafHash: string, event: AuditEvent, leafData: string, body: unknown, purged: boolean }} LedgerEntry
 * @typedef {{ leafIndex: number, treeSize: number, leafHash: string, hashes: string[], checkpoint: string }} Proof
 */

const ANY = { value: '', label: 'Any' };
const opts = (/** @type {string[]} */ values) => [ANY, ...values.map((v) => ({ value: v, label: v }))];

/** @param {string} value a datetime-local value, read as local time */
function toInstant(value) {
  if (value === '') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** An event's time to the second, in the auditor's time zone. @param {unknown} iso */
function ledgerTime(iso) {
  const d = typeof iso === 'string' ? new Date(iso) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString('en-GB', {
    hour12: false,
    day: '2-digit',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** @param {import('./registry.js').ViewContext} ctx */
export function ledgerView(ctx) {
  const headingId = nextId('ledger');
  /** @type {Map<string, import('./form.js').Field>} */
  const fields = new Map();
  const controls = {
    from: textInput({ type: 'datetime-local', class: 'input input--date', step: '1' }),
    to: textInput({ type: 'datetime-local', class: 'input input--date', step: '1' }),
    peer: textInput({ class: 'input mono', placeholder: 'e.g. hu-border' }),
    direction: select(opts(['outbound', 'inbound', 'local']), ''),
    kind: select(opts(EVENT_KINDS), ''),
    decision: select(opts(['permit', 'deny']), ''),
    outcome: select(opts(['hit', 'no-hit', 'denied', 'error']), ''),
    purpose: textInput({ placeholder: 'e.g. trafficking-investigation' }),
    caseRef: textInput({ class: 'input mono' }),
    officer: textInput({ class: 'input mono', placeholder: 'pseudonym' }),
    limit: select(
      ['10', '25', '50', '100'].map((v) => ({ value: v, label: `${v} per page` })),
      '25',
    ),
  };
  const labels = {
    from: ['From', 'Local time; inclusive'],
    to: ['To', 'Local time; exclusive'],
    peer: ['Peer', 'Agency id'],
    direction: ['Direction', 'Outbound: we asked; inbound: we answered'],
    kind: ['Kind', 'Any of the 16 event kinds'],
    decision: ['Decision', 'Of decision events'],
    outcome: ['Outcome', 'Of responses'],
    purpose: ['Purpose', 'From the federation vocabulary'],
    caseRef: ['Case', 'Case reference'],
    officer: ['Officer', 'Pseudonymous id'],
    limit: ['Page size', 'Entries per page'],
  };
  for (const [name, control] of Object.entries(controls)) {
    const [label, hint] = labels[/** @type {keyof typeof labels} */ (name)];
    fields.set(name, field({ name, label, ...(hint ? { hint } : {}), control }));
  }

  const tbody = h('tbody');
  const pageStatus = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const prevButton = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'button', class: 'button', disabled: true, onclick: () => page(-1) }, 'Previous page')
  );
  const nextButton = /** @type {HTMLButtonElement} */ (
    h('button', { type: 'button', class: 'button', disabled: true, onclick: () => page(1) }, 'Next page')
  );
  const tableProblem = h('div', { class: 'server-problem' });
  const detailId = nextId('entry-detail');
  const detail = h('section', {
    id: detailId,
    class: 'entry-detail',
    'aria-label': 'Entry detail',
    hidden: true,
  });
  const verifyResult = h('div', { class: 'verify-result', role: 'status', 'aria-live': 'polite' });
  const exportStatus = h('p', { class: 'export-status', role: 'status', 'aria-live': 'polite' });
  const witness = h('div', { class: 'witness' });
  const splitAlert = h('div', { class: 'split-alert', role: 'alert', hidden: true });

  /** Cursors of the pages before the current one (keyset pagination only goes forward). */
  /** @type {(number | undefined)[]} */
  let cursors = [];
  /** @type {number | undefined} */
  let after;
  /** @type {number | null} */
  let next = null;
  /** @type {Record<string, string>} */
  let applied = {};

  /** @returns {Record<string, string> | null} */
  function readFilter() {
    for (const f of fields.values()) f.setError(null);
    /** @type {Record<string, string>} */
    const out = {};
    for (const [name, control] of Object.entries(controls)) {
      const v = control.value.trim();
      if (v === '') continue;
      if (name === 'from' || name === 'to') {
        const iso = toInstant(v);
        if (iso === null) {
          fields.get(name)?.setError('Enter a date and time');
          control.focus();
          return null;
        }
        if (iso) out[name] = iso;
      } else {
        out[name] = v;
      }
    }
    return out;
  }

  /** @param {LedgerEntry} e */
  function row(e) {
    const ev = e.event ?? {};
    const result = ev['outcome'] ?? ev['effect'] ?? ev['code'] ?? ev['reasonCode'];
    return h(
      'tr',
      { 'data-index': String(e.index), 'data-kind': String(ev.kind) },
      h(
        'th',
        { scope: 'row', class: 'num' },
        h(
          'button',
          {
            type: 'button',
            class: 'link-button mono',
            'aria-controls': detailId,
            onclick: () => openEntry(e.index),
          },
          h('span', { class: 'visually-hidden' }, 'Open entry '),
          `#${e.index}`,
        ),
      ),
      h('td', { class: 'nowrap' }, h('time', { datetime: display(ev.time) }, ledgerTime(ev.time))),
      h('td', {}, h('span', { class: 'kind' }, display(ev.kind))),
      h('td', {}, display(ev.direction)),
      h('td', { class: 'mono' }, display(ev['peer'])),
      h('td', {}, display(ev['purpose'])),
      h('td', { class: 'mono' }, display(ev['caseRef'])),
      h('td', { class: 'mono' }, display(ev.officer)),
      h('td', {}, result === undefined ? '—' : h('code', {}, display(result))),
    );
  }

  /** @param {string} [message] */
  async function load(message) {
    tableProblem.replaceChildren();
    try {
      const res = /** @type {{ entries: LedgerEntry[], next: number | null }} */ (
        await ctx.api.auditEvents({ ...applied, ...(after === undefined ? {} : { after }) }, ctx.signal)
      );
      const entries = Array.isArray(res?.entries) ? res.entries : [];
      next = typeof res?.next === 'number' ? res.next : null;
      replace(
        tbody,
        entries.length === 0
          ? h('tr', {}, h('td', { colspan: '9', class: 'muted' }, 'No entry matches these filters.'))
          : entries.map(row),
      );
      prevButton.disabled = cursors.length === 0;
      nextButton.disabled = next === null;
      const first = entries[0]?.index;
      const last = entries.at(-1)?.index;
      const n = Object.keys(applied).filter((k) => k !== 'limit').length;
      const text = `${message ? `${message} ` : ''}Page ${cursors.length + 1}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}${first !== undefined ? ` (#${first}–#${last})` : ''}${n > 0 ? `, ${n} filter${n === 1 ? '' : 's'}` : ''}${next === null ? ', last page' : ''}.`;
      pageStatus.textContent = text;
      announce(text);
    } catch (err) {
      if (ctx.signal.aborted || (err instanceof ApiProblem && err.status === 401)) return;
      replace(tbody);
      pageStatus.textContent = '';
      const panel = problemPanel('The ledger could not be read', err);
      replace(tableProblem, panel);
      panel.focus();
    }
  }

  /** @param {1 | -1} step */
  function page(step) {
    if (step === 1) {
      if (next === null) return;
      cursors.push(after);
      after = next;
    } else {
      if (cursors.length === 0) return;
      after = cursors.pop();
    }
    load();
  }

  /** @param {Event} ev */
  function applyFilters(ev) {
    ev.preventDefault();
    const f = readFilter();
    if (!f) return;
    applied = f;
    cursors = [];
    after = undefined;
    load();
  }

  function resetFilters() {
    for (const c of Object.values(controls)) c.value = '';
    controls.limit.value = '25';
    applied = { limit: '25' };
    cursors = [];
    after = undefined;
    load();
  }

  /** @param {Record<string, unknown>} obj */
  function kvOf(obj) {
    return h(
      'dl',
      { class: 'kv' },
      Object.entries(obj).map(([k, v]) => [
        h('dt', {}, k),
        h('dd', { class: typeof v === 'string' && v.length > 40 ? 'mono' : '' }, display(v)),
      ]),
    );
  }

  /** @param {number} index */
  async function openEntry(index) {
    detail.hidden = false;
    detail.setAttribute('aria-busy', 'true');
    replace(detail, h('p', {}, `Loading entry #${index}…`));
    try {
      const res = /** @type {{ entry: LedgerEntry, proof: Proof | null }} */ (
        await ctx.api.auditEvent(index, ctx.signal)
      );
      const { entry, proof } = res;
      const ev = entry.event ?? {};
      const { receipt, receiptVerified, ...fieldsOnly } = ev;
      const titleId = nextId('entry-title');
      const proofBox = h('div', { class: 'proof' });
      replace(
        detail,
        h(
          'header',
          { class: 'entry-detail__head' },
          h(
            'h2',
            { id: titleId, class: 'entry-detail__title', tabindex: '-1' },
            `Entry #${entry.index}: `,
            display(ev.kind),
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'button',
              onclick: () => {
                detail.hidden = true;
                tbody.querySelector(`tr[data-index="${entry.index}"] button`)?.focus();
              },
            },
            'Close',
          ),
        ),
        h('h3', { class: 'entry-detail__subtitle' }, 'Event'),
        kvOf(fieldsOnly),
        h(
          'dl',
          { class: 'kv kv--inline' },
          h('dt', {}, 'Leaf hash'),
          h('dd', { class: 'mono' }, display(entry.leafHash)),
          h('dt', {}, 'Body'),
          h(
            'dd',
            {},
            entry.purged
              ? 'purged (the leaf still commits to its digest)'
              : entry.body === null || entry.body === undefined
                ? 'none'
                : 'kept (personal data, purgeable)',
          ),
        ),
        ev.kind === 'response-received'
          ? h(
              'section',
              { class: 'receipt', 'aria-label': 'The peer’s receipt' },
              h('h3', { class: 'entry-detail__subtitle' }, 'The peer’s receipt'),
              h(
                'p',
                { class: `receipt__verdict receipt__verdict--${receiptVerified === true ? 'ok' : 'fail'}` },
                receiptVerified === true
                  ? 'Receipt verified: the peer’s checkpoint is signed by its log key.'
                  : 'Receipt NOT verified with the peer’s log key.',
              ),
              receipt && typeof receipt === 'object'
                ? [
                    kvOf(
                      Object.fromEntries(
                        Object.entries(/** @type {Record<string, unknown>} */ (receipt)).filter(
                          ([k]) => k !== 'checkpoint',
                        ),
                      ),
                    ),
                    h(
                      'pre',
                      { class: 'note', 'aria-label': 'The peer’s signed checkpoint' },
                      display(/** @type {Record<string, unknown>} */ (receipt)['checkpoint']),
                    ),
                  ]
                : h('p', { class: 'muted' }, 'The peer sent no receipt.'),
            )
          : null,
        h('h3', { class: 'entry-detail__subtitle' }, 'Inclusion proof'),
        proofBox,
      );
      if (proof === null) {
        replace(
          proofBox,
          h(
            'p',
            { class: 'proof__verdict' },
            'Not yet covered by a signed checkpoint. The node signs one within seconds; open the entry again.',
          ),
        );
      } else {
        const check = await checkInclusion(entry.leafData, proof);
        const ok = check.leafHashOk && check.rootOk;
        replace(
          proofBox,
          h(
            'p',
            { class: `proof__verdict proof__verdict--${ok ? 'ok' : 'fail'}`, 'data-proof-ok': String(ok) },
            ok
              ? `Included: checked in this browser, the leaf hashes up to the root of the checkpoint of size ${proof.treeSize}.`
              : `Proof does not check: ${check.leafHashOk ? '' : 'the leaf hash does not match the event; '}${check.reason ?? ''}.`,
          ),
          h(
            'dl',
            { class: 'kv' },
            h('dt', {}, 'Leaf index'),
            h('dd', {}, String(proof.leafIndex)),
            h('dt', {}, 'Tree size'),
            h('dd', {}, String(proof.treeSize)),
            h('dt', {}, 'Audit path'),
            h(
              'dd',
              {},
              proof.hashes.length === 0
                ? 'empty (a tree of one leaf)'
                : h(
                    'ol',
                    { class: 'proof__hashes' },
                    proof.hashes.map((x) => h('li', {}, h('code', {}, x))),
                  ),
            ),
          ),
          h('pre', { class: 'note', 'aria-label': 'Signed checkpoint' }, proof.checkpoint),
        );
      }
      detail.removeAttribute('aria-busy');
      document.getElementById(titleId)?.focus();
    } catch (err) {
      detail.removeAttribute('aria-busy');
      if (ctx.signal.aborted || (err instanceof ApiProblem && err.status === 401)) return;
      const panel = problemPanel(`Entry #${index} could not be read`, err);
      replace(detail, panel);
      panel.focus();
    }
  }

  async function verify() {
    replace(verifyResult, h('p', {}, 'Re-hashing the whole ledger…'));
    try {
      const r =
        /** @type {{ ok: boolean, failures: string[], entries: number, checkpoints: number, purgedBodies: number }} */ (
          await ctx.api.auditVerify()
        );
      const failures = Array.isArray(r.failures) ? r.failures : [];
      const summary = `${r.entries} entries, ${r.checkpoints} checkpoints, ${r.purgedBodies} purged bodies`;
      replace(
        verifyResult,
        h(
          'div',
          { class: `verdict verdict--${r.ok ? 'ok' : 'fail'}`, 'data-verify-ok': String(r.ok === true) },
          h(
            'p',
            { class: 'verdict__title' },
            r.ok
              ? 'Ledger intact'
              : `Ledger NOT intact: ${failures.length} failure${failures.length === 1 ? '' : 's'}`,
          ),
          h(
            'p',
            {},
            r.ok
              ? `Every leaf re-hashed, every checkpoint signature and consistency checked: ${summary}.`
              : summary,
          ),
          failures.length > 0
            ? h(
                'ul',
                { class: 'verdict__failures' },
                failures.map((f) => h('li', {}, f)),
              )
            : null,
        ),
      );
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 401) return;
      replace(verifyResult, problemPanel('The ledger could not be verified', err));
    }
  }

  async function exportBundle() {
    exportStatus.textContent = 'Preparing the bundle…';
    try {
      const range = {
        ...(applied['from'] ? { from: applied['from'] } : {}),
        ...(applied['to'] ? { to: applied['to'] } : {}),
      };
      const text = await ctx.api.auditExport(range);
      const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      const name = `${location.hostname}-${location.port}-audit-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`;
      const a = /** @type {HTMLAnchorElement} */ (h('a', { href: url, download: name, hidden: true }));
      document.body.append(a);
      a.click();
      a.remove();
      // Revoked after the download has started; the bundle stays in the downloads folder.
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
      exportStatus.textContent = `Bundle saved as ${name} (${Math.ceil(text.length / 1024)} KiB${range.from || range.to ? ', the filter’s time range' : ', the whole ledger'}). Verify it offline with mosaic audit verify --bundle.`;
    } catch (err) {
      exportStatus.textContent = '';
      if (err instanceof ApiProblem && err.status === 401) return;
      replace(exportStatus, problemPanel('The bundle could not be exported', err));
    }
  }

  async function loadWitness() {
    try {
      const s = /** @type {Record<string, any>} */ (await ctx.api.auditCheckpoints(ctx.signal));
      const cp = s['checkpoint'];
      const split = Array.isArray(s['splitViews']) ? s['splitViews'] : [];
      splitAlert.hidden = split.length === 0 && s['corruption'] !== true;
      replace(
        splitAlert,
        split.length > 0
          ? [
              h(
                'h2',
                { class: 'split-alert__title' },
                `Split view: ${split.length} peer log${split.length === 1 ? '' : 's'} showed two inconsistent checkpoints`,
              ),
              h(
                'ul',
                {},
                split.map((v) =>
                  h(
                    'li',
                    {},
                    h('span', { class: 'mono' }, display(v.peer ?? v.origin)),
                    ` at size ${display(v.size)}, evidence `,
                    h('code', {}, display(v.evidenceDigest)),
                  ),
                ),
              ),
            ]
          : null,
        s['corruption'] === true
          ? h('p', { class: 'split-alert__title' }, 'This node detected corruption in its own ledger.')
          : null,
      );
      const cosigned = Array.isArray(s['cosignedBy']) ? s['cosignedBy'] : [];
      const witnessing = Array.isArray(s['witnessing']) ? s['witnessing'] : [];
      const peers = [
        ...new Set([...cosigned.map((c) => c.peer), ...witnessing.map((w) => w.peer ?? w.origin)]),
      ];
      replace(
        witness,
        h(
          'dl',
          { class: 'kv kv--inline' },
          h('dt', {}, 'Log'),
          h('dd', { class: 'mono' }, display(s['origin'])),
          h('dt', {}, 'Entries'),
          h('dd', {}, display(s['size'])),
          h('dt', {}, 'Latest checkpoint'),
          h(
            'dd',
            {},
            cp
              ? `size ${cp.size}, signed ${formatInstant(cp.createdAt)} (${Math.round(Number(cp.ageSeconds))} s ago)`
              : 'none yet',
          ),
        ),
        h(
          'table',
          { class: 'data-table witness__table' },
          h('caption', {}, 'Per peer: who cosigned our checkpoints, and whose log we witness'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Peer'),
              h('th', { scope: 'col', class: 'num' }, 'Cosigned our size'),
              h('th', { scope: 'col' }, 'Cosigned at'),
              h('th', { scope: 'col', class: 'num' }, 'Their log, witnessed size'),
              h('th', { scope: 'col' }, 'Status'),
            ),
          ),
          h(
            'tbody',
            {},
            peers.length === 0
              ? h(
                  'tr',
                  {},
                  h('td', { colspan: '5', class: 'muted' }, 'No peer has cosigned or been witnessed yet.'),
                )
              : peers.map((peer) => {
                  const c = cosigned.find((x) => x.peer === peer);
                  const w = witnessing.find((x) => (x.peer ?? x.origin) === peer);
                  const splitHere = split.some((v) => (v.peer ?? v.origin) === peer);
                  return h(
                    'tr',
                    { 'data-peer': String(peer) },
                    h('th', { scope: 'row', class: 'mono' }, display(peer)),
                    h('td', { class: 'num' }, c ? display(c.size) : '—'),
                    h('td', {}, c?.at ? formatInstant(c.at) : '—'),
                    h('td', { class: 'num' }, w ? display(w.size) : '—'),
                    h(
                      'td',
                      {},
                      splitHere
                        ? h('span', { class: 'tag tag--overdue' }, 'SPLIT VIEW')
                        : c?.error
                          ? h('span', {}, 'cosignature failed: ', h('code', {}, display(c.error)))
                          : !c?.size && !w?.size
                            ? 'nothing exchanged yet'
                            : 'no conflict seen',
                    ),
                  );
                }),
          ),
        ),
      );
    } catch (err) {
      if (ctx.signal.aborted || (err instanceof ApiProblem && err.status === 401)) return;
      replace(witness, problemPanel('Checkpoint status could not be read', err));
    }
  }

  const form = h(
    'form',
    { class: 'ledger-filters', novalidate: true, 'aria-label': 'Filter the ledger', onsubmit: applyFilters },
    h(
      'div',
      { class: 'ledger-filters__grid' },
      [...fields.values()].map((f) => f.element),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'button button--primary' }, 'Apply filters'),
      h('button', { type: 'button', class: 'button', onclick: resetFilters }, 'Reset'),
    ),
  );

  const element = h(
    'div',
    { class: 'view view--ledger' },
    h(
      'header',
      { class: 'view__head' },
      h('h1', { id: headingId, class: 'view__title', tabindex: '-1' }, 'Audit ledger'),
      h(
        'p',
        { class: 'view__lede' },
        'Every exchange of this node, in an append-only Merkle log its peers witness.',
      ),
    ),
    splitAlert,
    h(
      'section',
      { class: 'integrity', 'aria-label': 'Integrity' },
      h(
        'div',
        { class: 'integrity__actions' },
        h('button', { type: 'button', class: 'button button--primary', onclick: verify }, 'Verify ledger'),
        h('button', { type: 'button', class: 'button', onclick: exportBundle }, 'Export bundle'),
        h('button', { type: 'button', class: 'button', onclick: loadWitness }, 'Refresh witness status'),
      ),
      verifyResult,
      exportStatus,
    ),
    h(
      'details',
      { class: 'advanced witness-box', open: true },
      h('summary', {}, 'Checkpoints and witnesses'),
      witness,
    ),
    form,
    tableProblem,
    pageStatus,
    h(
      'div',
      { class: 'ledger-layout' },
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'data-table ledger-table' },
          h('caption', { class: 'visually-hidden' }, 'Ledger entries'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Entry', 'Time', 'Kind', 'Direction', 'Peer', 'Purpose', 'Case', 'Officer', 'Result'].map(
                (c) => h('th', { scope: 'col' }, c),
              ),
            ),
          ),
          tbody,
        ),
        h('div', { class: 'actions pager' }, prevButton, nextButton),
      ),
      detail,
    ),
  );

  applied = { limit: '25' };
  return {
    element,
    focus() {
      document.getElementById(headingId)?.focus();
    },
    shown() {
      load();
      loadWitness();
    },
  };
}
