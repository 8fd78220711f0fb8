/**
 * The live board of one federated search: a row per peer whose status changes as answers stream in, a
 * summary (running, complete, partial, failed), an activity log announced to screen readers, and each
 * peer's results (dataset decisions, hits with score, band and per-field evidence) rendered from the
 * documented SearchState shape. Everything a peer sent is rendered as text.
 */
import { announce, clockTime, formatMs, h, nextId, replace } from '../dom.js';
import { subjectKind } from '../subjects.js';

/**
 * A code such as NO_MATCHING_PERMISSION with a line-break opportunity after each underscore (<wbr>, not a
 * character: the text reads and copies unchanged), so a narrow column breaks it between words.
 * @param {string} code
 */
function breakable(code) {
  return code.split('_').flatMap((part, i) => (i === 0 ? [part] : [h('wbr'), `_${part}`]));
}

/**
 * @typedef {{ effect: string, reasonCode: string, ruleIds: string[], granted: string | null, coarsened: boolean }} Decision
 * @typedef {{ ref: string, score: number, band: string, kind?: string, evidence?: Record<string, unknown>[], fields?: Record<string, unknown> }} Hit
 * @typedef {{ dataset: string, decision: Decision, exists?: boolean, count?: number, hits?: Hit[] }} DatasetResult
 * @typedef {{ agency: string, required: boolean, status: string, reasonCode?: string, code?: string, tookMs?: number, granted?: string | null, results?: DatasetResult[] }} PeerStatus
 * @typedef {{ id: string, caseRef: string, status: string, partial: boolean, createdAt?: string, completedAt?: string, request: Record<string, unknown>, peers: PeerStatus[] }} SearchState
 */

/** Every status a peer can end in, with the words the console uses for it. */
export const PEER_STATUS = {
  pending: { label: 'Pending', explain: 'Waiting for the answer' },
  hit: { label: 'Hit', explain: 'Something matched and the policy released it' },
  'no-hit': { label: 'No hit', explain: 'Nothing matched' },
  denied: { label: 'Denied', explain: "Refused by the peer's sharing policy" },
  timeout: { label: 'Timed out', explain: 'No answer within the deadline' },
  unreachable: { label: 'Unreachable', explain: 'The peer could not be reached' },
  error: { label: 'Error', explain: 'The exchange failed' },
  interrupted: { label: 'Interrupted', explain: 'The node restarted before the peer answered' },
};
const STATUS_ORDER = ['pending', 'hit', 'no-hit', 'denied', 'timeout', 'unreachable', 'error', 'interrupted'];

/** Statuses drawn like another one (the stylesheet has no rule of their own): no answer, like a timeout. */
const STATUS_TONE = /** @type {Record<string, string>} */ ({ interrupted: 'timeout' });

/** The CSS modifier (chip, activity line) of a status. @param {string} status */
function toneOf(status) {
  return Object.hasOwn(STATUS_TONE, status) ? /** @type {string} */ (STATUS_TONE[status]) : status;
}

/** @param {string} status */
function statusInfo(status) {
  return Object.hasOwn(PEER_STATUS, status)
    ? PEER_STATUS[/** @type {keyof typeof PEER_STATUS} */ (status)]
    : { label: status, explain: '' };
}

/** @param {string} status */
export function statusChip(status) {
  const known = Object.hasOwn(PEER_STATUS, status);
  return h('span', { class: `chip chip--${known ? toneOf(status) : 'error'}` }, statusInfo(status).label);
}

/** @param {unknown} value */
function display(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** @param {number} score */
function scoreView(score) {
  if (typeof score !== 'number' || !Number.isFinite(score))
    return h('span', { class: 'score' }, display(score));
  if (score >= 0 && score <= 1) {
    return h(
      'span',
      { class: 'score' },
      h('meter', { min: 0, max: 1, low: 0.5, high: 0.9, optimum: 1, value: score, 'aria-hidden': 'true' }),
      h('span', { class: 'score__value' }, `${(score * 100).toFixed(1)}%`),
    );
  }
  return h('span', { class: 'score' }, h('span', { class: 'score__value' }, score.toFixed(3)));
}

/** @param {unknown} weight */
function weightView(weight) {
  if (typeof weight !== 'number' || !Number.isFinite(weight)) return display(weight);
  const sign = weight > 0 ? '+' : weight < 0 ? '−' : '±';
  return h(
    'span',
    { class: `weight ${weight > 0 ? 'weight--for' : weight < 0 ? 'weight--against' : ''}` },
    `${sign}${Math.abs(weight).toFixed(2)}`,
  );
}

const EVIDENCE_KNOWN = new Set(['field', 'level', 'weight', 'similarity', 'tfAdjustment', 'generic']);

/**
 * Per-field evidence: which field agreed or disagreed, how strongly, and why a weight was adjusted.
 * @param {Record<string, unknown>[]} evidence
 */
export function evidenceTable(evidence) {
  return h(
    'table',
    { class: 'evidence' },
    h('caption', {}, 'Evidence, field by field'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'evidence__col' }, 'Field'),
        h('th', { scope: 'col', class: 'evidence__col' }, 'Comparison'),
        h('th', { scope: 'col', class: 'evidence__col num' }, 'Weight'),
        h('th', { scope: 'col', class: 'evidence__col num' }, 'Similarity'),
        h('th', { scope: 'col', class: 'evidence__col' }, 'Notes'),
      ),
    ),
    h(
      'tbody',
      {},
      evidence.map((e) => {
        const notes = [];
        if (e['generic'] === true) notes.push('shared by many records: weak evidence');
        if (typeof e['tfAdjustment'] === 'number')
          notes.push(
            `frequency adjustment ${e['tfAdjustment'] >= 0 ? '+' : '−'}${Math.abs(e['tfAdjustment']).toFixed(2)}`,
          );
        for (const [k, v] of Object.entries(e)) if (!EVIDENCE_KNOWN.has(k)) notes.push(`${k}: ${display(v)}`);
        return h(
          'tr',
          {},
          h('th', { scope: 'row' }, display(e['field'])),
          h('td', {}, display(e['level'])),
          h('td', { class: 'num' }, weightView(e['weight'])),
          h(
            'td',
            { class: 'num' },
            typeof e['similarity'] === 'number' ? e['similarity'].toFixed(2) : display(e['similarity']),
          ),
          h('td', { class: 'notes' }, notes.join('; ') || '—'),
        );
      }),
    ),
  );
}

/** @param {Record<string, unknown>} fields */
function fieldsList(fields) {
  const entries = Object.entries(fields);
  if (entries.length === 0) return null;
  return h(
    'div',
    { class: 'released' },
    h('h6', {}, 'Released fields'),
    h(
      'dl',
      { class: 'kv' },
      entries.map(([k, v]) => [h('dt', {}, k), h('dd', {}, display(v))]),
    ),
  );
}

/**
 * @param {Hit} hit
 * @param {Node | null} [extra] what the board adds under the hit (the analyst's record request)
 */
function hitCard(hit, extra = null) {
  return h(
    'article',
    { class: `hit hit--${['match', 'possible', 'non-match'].includes(hit.band) ? hit.band : 'other'}` },
    h(
      'header',
      { class: 'hit__head' },
      scoreView(hit.score),
      h('span', { class: `band band--${hit.band}` }, display(hit.band)),
      hit.kind ? h('span', { class: 'hit__kind' }, hit.kind) : null,
      h(
        'span',
        { class: 'hit__ref' },
        h('span', { class: 'visually-hidden' }, 'Reference '),
        h('code', {}, display(hit.ref)),
      ),
    ),
    Array.isArray(hit.evidence) && hit.evidence.length > 0
      ? evidenceTable(hit.evidence)
      : h('p', { class: 'muted' }, 'No per-field evidence was released.'),
    hit.fields && typeof hit.fields === 'object' ? fieldsList(hit.fields) : null,
    extra,
  );
}

/** @param {Decision} d */
function decisionList(d) {
  return h(
    'dl',
    { class: 'kv kv--inline' },
    h('dt', {}, 'Decision'),
    h(
      'dd',
      {},
      h('span', { class: `effect effect--${d.effect === 'permit' ? 'permit' : 'deny'}` }, display(d.effect)),
    ),
    h('dt', {}, 'Reason'),
    h('dd', {}, h('code', {}, display(d.reasonCode))),
    h('dt', {}, 'Rules'),
    h(
      'dd',
      {},
      Array.isArray(d.ruleIds) && d.ruleIds.length > 0
        ? d.ruleIds.map((r) => h('code', { class: 'rule' }, r))
        : '—',
    ),
    h('dt', {}, 'Granted'),
    h(
      'dd',
      {},
      d.granted ?? 'nothing',
      d.coarsened ? h('span', { class: 'tag' }, 'coarser than asked') : null,
    ),
  );
}

/**
 * One peer's results, dataset by dataset. Exported so the rendering can be checked against a fixture.
 * @param {DatasetResult[]} results
 * @param {(dataset: string, hit: Hit) => Node | null} [hitExtra]
 */
export function renderPeerResults(results, hitExtra) {
  if (!Array.isArray(results) || results.length === 0) {
    return h('p', { class: 'muted' }, 'The peer returned no dataset results.');
  }
  return h(
    'div',
    { class: 'results' },
    results.map((r) => {
      const hits = Array.isArray(r.hits) ? r.hits : [];
      return h(
        'section',
        { class: 'dataset' },
        h('h5', { class: 'dataset__title' }, 'Dataset ', h('code', {}, display(r.dataset))),
        r.decision ? decisionList(r.decision) : null,
        typeof r.exists === 'boolean' || typeof r.count === 'number'
          ? h(
              'p',
              { class: 'dataset__answer' },
              typeof r.exists === 'boolean'
                ? r.exists
                  ? 'A matching record exists.'
                  : 'No matching record.'
                : null,
              typeof r.count === 'number' ? ` ${r.count} matching record${r.count === 1 ? '' : 's'}.` : null,
            )
          : null,
        hits.length > 0
          ? h(
              'div',
              { class: 'hits' },
              hits.map((hit) => hitCard(hit, hitExtra ? hitExtra(String(r.dataset), hit) : null)),
            )
          : null,
      );
    }),
  );
}

/** @param {PeerStatus} p */
function hitCount(p) {
  return (p.results ?? []).reduce((n, r) => n + (Array.isArray(r.hits) ? r.hits.length : 0), 0);
}

/** @param {PeerStatus} p */
function resultsSummary(p) {
  const results = p.results ?? [];
  if (p.status === 'pending') return '';
  if (results.length === 0) return '—';
  const hits = hitCount(p);
  const ds = `${results.length} dataset${results.length === 1 ? '' : 's'}`;
  if (hits > 0) return `${hits} hit${hits === 1 ? '' : 's'} in ${ds}`;
  const counted = results.reduce((n, r) => n + (typeof r.count === 'number' ? r.count : 0), 0);
  if (counted > 0) return `${counted} record${counted === 1 ? '' : 's'} in ${ds}`;
  if (results.some((r) => r.exists === true)) return `exists (${ds})`;
  return ds;
}

/**
 * @param {Record<string, unknown>} request
 */
function subjectSummary(request) {
  const subject = request?.['subject'] ?? {};
  const spec = subjectKind(subject.kind);
  const selectors = subject.selectors && typeof subject.selectors === 'object' ? subject.selectors : {};
  return h(
    'span',
    { class: 'subject' },
    h('span', { class: 'subject__kind' }, spec?.label ?? display(subject.kind)),
    Object.entries(selectors).map(([k, v]) =>
      h(
        'span',
        { class: 'selector' },
        h('span', { class: 'selector__name' }, spec?.fields.find((f) => f.name === k)?.label ?? k),
        h('span', { class: 'selector__value' }, display(v)),
      ),
    ),
  );
}

/**
 * Build the board for a search. `apply` takes a peer status from the event stream, `finish` the final
 * `done` event, `reconcile` the authoritative state from `GET /searches/:id`. With `requestRecord`, every hit
 * that carries a reference gets what it returns (the analyst's "Request full record"), built once per hit so
 * a re-render keeps it.
 * @param {SearchState} state
 * @param {{ requestRecord?: (target: { peer: string, ref: string, dataset: string }) => Node }} [options]
 */
export function createBoard(state, options = {}) {
  /** @type {Map<string, Node>} */
  const extras = new Map();
  /** @param {string} peer @returns {((dataset: string, hit: Hit) => Node | null) | undefined} */
  const hitExtra = (peer) => {
    const make = options.requestRecord;
    if (!make) return undefined;
    return (dataset, hit) => {
      if (typeof hit.ref !== 'string' || hit.ref === '') return null;
      const key = JSON.stringify([peer, dataset, hit.ref]);
      let node = extras.get(key);
      if (!node) {
        node = make({ peer, ref: hit.ref, dataset });
        extras.set(key, node);
      }
      return node;
    };
  };
  const titleId = nextId('board-title');
  /** @type {Map<string, PeerStatus>} */
  const peers = new Map(state.peers.map((p) => [p.agency, { ...p }]));
  /** @type {Map<string, { row: HTMLTableRowElement, detailRow: HTMLTableRowElement, toggle: HTMLButtonElement | null, expanded: boolean }>} */
  const rows = new Map();
  let finalStatus = state.status;
  let partial = state.partial;

  const badge = h('span', { class: 'summary-badge', 'data-search-status': 'running' });
  const progress = /** @type {HTMLProgressElement} */ (
    h('progress', { max: Math.max(peers.size, 1), value: 0, 'aria-labelledby': `${titleId}-progress` })
  );
  const progressText = h('span', { id: `${titleId}-progress`, class: 'tally__text' });
  const tally = h('ul', { class: 'tally__counts', 'aria-label': 'Peers by status' });
  const tbody = h('tbody');
  const log = h('ol', {
    class: 'activity__log',
    role: 'log',
    'aria-live': 'polite',
    'aria-label': 'Search activity',
  });
  const notice = h('div', { class: 'board__notice', hidden: true });
  const req = state.request ?? {};

  const element = h(
    'section',
    { class: 'board', 'aria-labelledby': titleId, 'data-search-id': state.id },
    h(
      'header',
      { class: 'board__head' },
      h(
        'div',
        { class: 'board__title-row' },
        h(
          'h2',
          { id: titleId, class: 'board__title', tabindex: '-1' },
          'Case ',
          h('span', { class: 'mono' }, state.caseRef),
        ),
        badge,
      ),
      h(
        'dl',
        { class: 'board__meta' },
        h('div', {}, h('dt', {}, 'Subject'), h('dd', {}, subjectSummary(req))),
        h('div', {}, h('dt', {}, 'Purpose'), h('dd', {}, display(req['purpose']))),
        h('div', {}, h('dt', {}, 'Legal basis'), h('dd', {}, display(req['legalBasis']))),
        h('div', {}, h('dt', {}, 'Asked for'), h('dd', {}, display(req['granularity'] ?? 'exists'))),
        h('div', {}, h('dt', {}, 'Search id'), h('dd', { class: 'mono' }, state.id)),
      ),
    ),
    notice,
    h('div', { class: 'tally' }, progress, progressText, tally),
    h(
      'table',
      { class: 'peers' },
      h('caption', { class: 'visually-hidden' }, 'Status of each peer'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Peer'),
          h('th', { scope: 'col' }, 'Status'),
          h('th', { scope: 'col' }, 'Reason / code'),
          h('th', { scope: 'col' }, 'Granted'),
          h('th', { scope: 'col', class: 'num' }, 'Time'),
          h('th', { scope: 'col' }, 'Results'),
        ),
      ),
      tbody,
    ),
    h(
      'section',
      { class: 'activity', 'aria-label': 'Activity' },
      h('h3', { class: 'activity__title' }, 'Activity'),
      log,
    ),
  );

  /** @param {string} text @param {string} [tone] @param {Date} [when] */
  function logLine(text, tone, when = new Date()) {
    log.append(
      h(
        'li',
        { class: tone ? `activity__item activity__item--${tone}` : 'activity__item' },
        h('time', { datetime: when.toISOString() }, clockTime(when)),
        ' ',
        text,
      ),
    );
  }

  /** @param {PeerStatus} p */
  function renderRow(p) {
    let entry = rows.get(p.agency);
    if (!entry) {
      const detailId = nextId('peer-detail');
      const row = /** @type {HTMLTableRowElement} */ (h('tr', { class: 'peer', 'data-peer': p.agency }));
      const detailRow = /** @type {HTMLTableRowElement} */ (
        h('tr', { class: 'peer-detail', id: detailId, hidden: true })
      );
      entry = { row, detailRow, toggle: null, expanded: false };
      rows.set(p.agency, entry);
      tbody.append(row, detailRow);
    }
    const e = entry;
    e.row.dataset['status'] = p.status;
    const info = statusInfo(p.status);
    const hasResults = Array.isArray(p.results) && p.results.length > 0;
    const coarsened = (p.results ?? []).some((r) => r.decision?.coarsened);
    const detailId = e.detailRow.id;
    e.toggle = hasResults
      ? /** @type {HTMLButtonElement} */ (
          h(
            'button',
            {
              type: 'button',
              class: 'link-button',
              'aria-expanded': String(e.expanded),
              'aria-controls': detailId,
              onclick: () => setExpanded(p.agency, !e.expanded),
            },
            e.expanded ? 'Hide details' : 'Show details',
            h('span', { class: 'visually-hidden' }, ` for ${p.agency}`),
          )
        )
      : null;
    replace(
      e.row,
      h(
        'th',
        { scope: 'row', class: 'peer__agency' },
        h('span', { class: 'mono' }, p.agency),
        p.required ? h('span', { class: 'tag tag--required' }, 'required') : null,
      ),
      h(
        'td',
        {},
        h(
          'div',
          { class: 'peer__status' },
          statusChip(p.status),
          p.status !== 'pending' ? h('span', { class: 'peer__explain' }, info.explain) : null,
        ),
      ),
      h(
        'td',
        {},
        h(
          'div',
          { class: 'peer__reason' },
          p.reasonCode ? h('code', { class: 'reason' }, breakable(p.reasonCode)) : null,
          p.code ? h('code', { class: 'code' }, breakable(p.code)) : null,
          !p.reasonCode && !p.code ? (p.status === 'pending' ? '' : '—') : null,
        ),
      ),
      h(
        'td',
        { class: 'peer__granted' },
        p.status === 'pending' ? '' : (p.granted ?? '—'),
        coarsened ? h('span', { class: 'tag' }, 'coarsened') : null,
      ),
      h('td', { class: 'num peer__time' }, typeof p.tookMs === 'number' ? formatMs(p.tookMs) : ''),
      h('td', { class: 'peer__results' }, h('span', {}, resultsSummary(p)), e.toggle ? ' ' : null, e.toggle),
    );
    if (hasResults) {
      replace(
        e.detailRow,
        h(
          'td',
          { colspan: '6' },
          h('div', { class: 'peer-detail__body' }, renderPeerResults(p.results ?? [], hitExtra(p.agency))),
        ),
      );
    }
    e.detailRow.hidden = !(hasResults && e.expanded);
  }

  /** @param {string} agency @param {boolean} expanded */
  function setExpanded(agency, expanded) {
    const e = rows.get(agency);
    const p = peers.get(agency);
    if (!e || !p) return;
    e.expanded = expanded;
    renderRow(p);
    e.toggle?.focus();
  }

  function renderTally() {
    const all = [...peers.values()];
    const answered = all.filter((p) => p.status !== 'pending').length;
    progress.value = answered;
    progressText.textContent = `${answered} of ${all.length} peer${all.length === 1 ? '' : 's'} answered`;
    replace(
      tally,
      STATUS_ORDER.map((s) => {
        const n = all.filter((p) => p.status === s).length;
        return n > 0
          ? h('li', { class: 'tally__item' }, statusChip(s), h('span', { class: 'tally__n' }, String(n)))
          : null;
      }),
    );
  }

  function renderBadge() {
    let text = 'Running';
    let key = 'running';
    if (finalStatus === 'failed') {
      text = 'Failed: a required peer did not answer';
      key = 'failed';
    } else if (finalStatus === 'interrupted') {
      text = 'Interrupted: the node restarted before every peer answered';
      key = 'interrupted';
    } else if (finalStatus === 'complete') {
      text = partial ? 'Complete, partial' : 'Complete';
      key = partial ? 'partial' : 'complete';
    }
    badge.textContent = text;
    badge.dataset['searchStatus'] = key;
    badge.className = `summary-badge summary-badge--${key === 'interrupted' ? 'partial' : key}`;
  }

  function render() {
    for (const p of peers.values()) renderRow(p);
    renderTally();
    renderBadge();
  }

  /** @param {PeerStatus} p */
  function describe(p) {
    const parts = [`${p.agency}: ${statusInfo(p.status).label.toLowerCase()}`];
    if (p.reasonCode) parts.push(p.reasonCode);
    if (p.code) parts.push(p.code);
    const hits = hitCount(p);
    if (hits > 0) parts.push(`${hits} hit${hits === 1 ? '' : 's'}`);
    if (typeof p.tookMs === 'number') parts.push(formatMs(p.tookMs));
    return parts.join(', ');
  }

  /** @param {unknown} data */
  function apply(data) {
    if (!data || typeof data !== 'object' || typeof (/** @type {PeerStatus} */ (data).agency) !== 'string')
      return;
    const p = /** @type {PeerStatus} */ (data);
    const before = peers.get(p.agency);
    if (before && before.status !== 'pending' && p.status === before.status) return;
    peers.set(p.agency, { ...before, ...p });
    // A hit is opened straight away: it is what the analyst is waiting for.
    const e = rows.get(p.agency);
    if (e && p.status === 'hit' && hitCount(p) > 0 && !before?.results) e.expanded = true;
    renderRow(/** @type {PeerStatus} */ (peers.get(p.agency)));
    renderTally();
    logLine(describe(p), toneOf(p.status));
  }

  function conclusion() {
    const all = [...peers.values()];
    const counts = STATUS_ORDER.map((s) => [s, all.filter((p) => p.status === s).length]).filter(
      ([, n]) => Number(n) > 0,
    );
    const list = counts.map(([s, n]) => `${n} ${statusInfo(String(s)).label.toLowerCase()}`).join(', ');
    const head =
      finalStatus === 'failed'
        ? 'Search failed'
        : finalStatus === 'interrupted'
          ? 'Search interrupted (the node restarted)'
          : partial
            ? 'Search complete (partial)'
            : 'Search complete';
    return `${head}: ${list}.`;
  }

  /** @param {unknown} data */
  function finish(data) {
    if (!data || typeof data !== 'object') return;
    const d = /** @type {{ status?: string, partial?: boolean }} */ (data);
    if (finalStatus !== 'running') return;
    finalStatus = String(d.status ?? 'complete');
    partial = d.partial === true;
    renderBadge();
    const message = conclusion();
    logLine(message, finalStatus === 'failed' ? 'error' : partial ? 'timeout' : 'done');
    announce(message);
  }

  /** @param {unknown} data */
  function reconcile(data) {
    if (!data || typeof data !== 'object') return;
    const s = /** @type {SearchState} */ (data);
    if (!Array.isArray(s.peers)) return;
    for (const p of s.peers) {
      const before = peers.get(p.agency);
      if (!before || before.status === 'pending' || JSON.stringify(before) !== JSON.stringify(p)) {
        if (before?.status === 'pending' && p.status !== 'pending') logLine(describe(p), toneOf(p.status));
        peers.set(p.agency, { ...p });
      }
    }
    render();
    if (s.status !== 'running') finish({ status: s.status, partial: s.partial });
  }

  /** @param {string} message */
  function problem(message) {
    notice.hidden = false;
    notice.className = 'board__notice board__notice--error';
    notice.setAttribute('role', 'alert');
    notice.textContent = message;
  }

  /** @param {unknown} iso */
  const dateOf = (iso) => {
    const d = typeof iso === 'string' ? new Date(iso) : new Date(Number.NaN);
    return Number.isNaN(d.getTime()) ? new Date() : d;
  };
  render();
  logLine(
    `Search started: ${peers.size} peer${peers.size === 1 ? '' : 's'} asked.`,
    undefined,
    dateOf(state.createdAt),
  );
  // A search opened after it ended (lookup, reload): its outcome, at the time the node recorded it.
  if (finalStatus !== 'running') {
    logLine(
      conclusion(),
      finalStatus === 'failed' ? 'error' : partial ? 'timeout' : 'done',
      dateOf(state.completedAt),
    );
  }
  return {
    element,
    id: state.id,
    caseRef: state.caseRef,
    kind: String(req['subject']?.kind ?? ''),
    apply,
    finish,
    reconcile,
    problem,
    get running() {
      return finalStatus === 'running';
    },
    get statusText() {
      return badge.textContent ?? '';
    },
    focusTitle() {
      document.getElementById(titleId)?.focus();
    },
  };
}

/** @typedef {ReturnType<typeof createBoard>} Board */
