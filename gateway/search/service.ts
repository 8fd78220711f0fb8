import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import {
  type DatasetResult,
  type DecisionSummary,
  type ErrorCode,
  isMosaicError,
  MosaicError,
  type QueryClaims,
  type SearchRequest,
  sha256Digest,
  validateSearchRequest,
} from '../../contracts/index.js';
import type { Logger } from '../log.js';
import { inSpan } from '../tracing.js';
import type { NodeMetrics } from '../metrics/registry.js';
import { type PeerClient, PeerRefusedError } from '../peer/client.js';
import type { TrustStore } from '../trust/trust-list.js';
import type { User } from '../users/store.js';
import type { OutboundAuditPort, PeerStatusName } from './outbound-audit.js';
import type { CaseStore } from './cases.js';
import type { SearchLimiter } from './limits.js';

export interface PeerStatus {
  readonly agency: string;
  readonly required: boolean;
  status: PeerStatusName;
  reasonCode?: string;
  code?: string;
  tookMs?: number;
  granted?: DecisionSummary['granted'];
  results?: DatasetResult[];
}

export type SearchStatusName = 'running' | 'complete' | 'failed' | 'interrupted';

/** The code a peer still `pending` when its node stopped is reported with (see `SearchService.recover`). */
export const SEARCH_INTERRUPTED = 'MOSAIC_ERR_SEARCH_INTERRUPTED' satisfies ErrorCode;

export interface SearchState {
  readonly id: string;
  readonly caseRef: string;
  readonly createdBy: string;
  readonly createdAt: string;
  /** `interrupted`: the node stopped (crash, kill, restart) before every peer answered; see `recover`. */
  status: SearchStatusName;
  partial: boolean;
  readonly request: SearchRequest;
  readonly peers: PeerStatus[];
  completedAt?: string;
}

export interface SearchServiceOptions {
  readonly db: Database.Database;
  readonly self: string;
  readonly client: PeerClient;
  readonly trust: TrustStore;
  readonly cases: CaseStore;
  readonly audit: OutboundAuditPort;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly metrics: NodeMetrics;
  /** Told after every peer call whether the peer answered (a verified answer or a coded refusal). */
  readonly onPeerOutcome?: (peer: string, up: boolean) => void;
  /** How many peers are asked at once. */
  readonly concurrency?: number;
  /** Per-analyst limits on starting searches (api.searchLimits); none when absent. */
  readonly limits?: SearchLimiter;
}

/** A search whose every peer has ended: `partial` if any did not answer, `failed` if a required one did not. */
function conclude(state: SearchState): void {
  const failed = state.peers.filter((p) => !['hit', 'no-hit', 'denied'].includes(p.status));
  state.partial = failed.length > 0;
  state.status = failed.some((p) => p.required) ? 'failed' : 'complete';
}

/**
 * Federated search: one signed query per peer, sent in parallel under a concurrency limit, each with its own
 * deadline inside one global deadline. Every peer ends with a status; none is dropped silently (DESIGN
 * principle 7). Answers are published as they arrive (`subscribe`) and the final state is kept in SQLite.
 */
export class SearchService {
  readonly #o: SearchServiceOptions;
  readonly #running = new Map<string, { state: SearchState; events: EventEmitter }>();
  readonly #insert: Database.Statement<[string, string, string, string, string]>;
  readonly #update: Database.Statement<[string, string]>;
  readonly #select: Database.Statement<[string]>;
  readonly #sent: Database.Statement<[string, string, string]>;
  readonly #ended: Database.Statement<[string, string, string]>;
  readonly #forget: Database.Statement<[string]>;
  readonly #forgetOutcomes: Database.Statement<[string]>;

  constructor(o: SearchServiceOptions) {
    this.#o = o;
    o.db.exec(`CREATE TABLE IF NOT EXISTS searches (
      id TEXT PRIMARY KEY, case_ref TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL,
      state TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS searches_case ON searches (case_ref);
      CREATE TABLE IF NOT EXISTS search_queries (
      search_id TEXT NOT NULL, peer TEXT NOT NULL, claims TEXT NOT NULL, PRIMARY KEY (search_id, peer));
      CREATE TABLE IF NOT EXISTS search_outcomes (
      search_id TEXT NOT NULL, peer TEXT NOT NULL, outcome TEXT NOT NULL, PRIMARY KEY (search_id, peer));`);
    this.#insert = o.db.prepare(
      'INSERT INTO searches (id, case_ref, created_by, created_at, state) VALUES (?, ?, ?, ?, ?)',
    );
    this.#update = o.db.prepare('UPDATE searches SET state = ? WHERE id = ?');
    this.#select = o.db.prepare('SELECT state FROM searches WHERE id = ?');
    // The claims of each query signed for a search still running, so that after a crash the ledger can say
    // which query an interrupted peer concerns (recover). Dropped when the search ends.
    this.#sent = o.db.prepare(
      'INSERT OR REPLACE INTO search_queries (search_id, peer, claims) VALUES (?, ?, ?)',
    );
    this.#forget = o.db.prepare('DELETE FROM search_queries WHERE search_id = ?');
    // Each peer's outcome as it ends (one row, not the whole search rewritten per peer), so a crash later in
    // the search loses no answer already received; merged back by recover, dropped when the search ends.
    this.#ended = o.db.prepare(
      'INSERT OR REPLACE INTO search_outcomes (search_id, peer, outcome) VALUES (?, ?, ?)',
    );
    this.#forgetOutcomes = o.db.prepare('DELETE FROM search_outcomes WHERE search_id = ?');
  }

  /**
   * Report the searches a previous run of the node left `running` (it was killed, crashed or stopped while
   * peers were still being asked): nothing else would ever finish them. Each becomes `interrupted` and
   * `partial`; each peer still `pending` becomes `interrupted` with MOSAIC_ERR_SEARCH_INTERRUPTED, and when
   * its query may have left the node, the outbound ledger records that no answer will come for it (a
   * `rejected` outbound event with the query's jti). Peers that had answered keep their stored outcome.
   * Call once at start-up, before the API listens: a second node process on the same data directory would
   * have its running searches reported as interrupted. Returns how many searches were recovered.
   */
  async recover(): Promise<number> {
    const rows = this.#o.db
      .prepare("SELECT id, state FROM searches WHERE json_extract(state, '$.status') = 'running'")
      .all() as { id: string; state: string }[];
    const claimsOf = this.#o.db.prepare('SELECT peer, claims FROM search_queries WHERE search_id = ?');
    const outcomesOf = this.#o.db.prepare('SELECT outcome FROM search_outcomes WHERE search_id = ?');
    let recovered = 0;
    for (const row of rows) {
      if (this.#running.has(row.id)) continue;
      const state = JSON.parse(row.state) as SearchState;
      for (const r of outcomesOf.all(row.id) as { outcome: string }[]) {
        const outcome = JSON.parse(r.outcome) as PeerStatus;
        const i = state.peers.findIndex((p) => p.agency === outcome.agency);
        if (i >= 0) state.peers[i] = outcome;
      }
      const signed = new Map(
        (claimsOf.all(row.id) as { peer: string; claims: string }[]).map((r) => [r.peer, r.claims]),
      );
      const now = this.#o.clock();
      const pending = state.peers.filter((p) => p.status === 'pending');
      for (const peer of pending) {
        peer.status = 'interrupted';
        peer.code = SEARCH_INTERRUPTED;
        const claims = signed.get(peer.agency);
        if (claims === undefined) continue; // never signed: nothing left the node, nothing to record
        await this.#o.audit
          .answerReceived({
            searchId: state.id,
            peer: peer.agency,
            claims: JSON.parse(claims) as QueryClaims,
            status: 'interrupted',
            now,
            errorCode: SEARCH_INTERRUPTED,
          })
          .catch((err: unknown) =>
            this.#o.logger.error('audit of interrupted query', { searchId: state.id, error: String(err) }),
          );
      }
      // Every peer had answered and only the final write was lost: the search ended as it would have.
      if (pending.length === 0) conclude(state);
      else Object.assign(state, { status: 'interrupted', partial: true });
      state.completedAt = new Date(now).toISOString();
      this.#finish(state);
      this.#o.logger.warn('search interrupted by a restart', {
        searchId: state.id,
        status: state.status,
        interrupted: pending.length,
      });
      recovered++;
    }
    return recovered;
  }

  /** Store a search's final state and drop the claims kept for recovery, in one transaction. */
  #finish(state: SearchState): void {
    this.#o.db.transaction(() => {
      this.#update.run(JSON.stringify(state), state.id);
      this.#forget.run(state.id);
      this.#forgetOutcomes.run(state.id);
    })();
  }

  /**
   * Validate and start a search. Every check that can fail happens before any query is signed, so a bad
   * request never reaches a peer.
   */
  start(body: unknown, user: User): SearchState {
    if (!validateSearchRequest(body)) {
      throw new MosaicError('MOSAIC_ERR_API_VALIDATION', { issues: validateSearchRequest.issues() });
    }
    const request = body;
    const now = this.#o.clock();
    const snapshot = this.#o.trust.current(now);
    if (snapshot.list.purposes && !snapshot.list.purposes.includes(request.purpose)) {
      throw new MosaicError('MOSAIC_ERR_API_VALIDATION', {
        issues: [{ path: '/purpose', message: 'is not in the federation purpose vocabulary' }],
      });
    }
    const targets = this.#resolveTargets(request, now);
    for (const r of request.required ?? []) {
      if (!targets.includes(r)) {
        throw new MosaicError('MOSAIC_ERR_API_UNKNOWN_PEER', {
          detail: `required peer ${r} is not a target`,
        });
      }
    }
    // The analyst's search limits, last of the checks that refuse a bad request (which is not counted) and
    // before anything is claimed, signed or sent.
    this.#o.limits?.take(user.id, now);
    this.#o.cases.claim(request.caseRef, user, new Date(now));
    const state: SearchState = {
      id: randomUUID(),
      caseRef: request.caseRef,
      createdBy: user.id,
      createdAt: new Date(now).toISOString(),
      status: 'running',
      partial: false,
      request,
      peers: targets.map((agency) => ({
        agency,
        required: (request.required ?? []).includes(agency),
        status: 'pending',
      })),
    };
    this.#insert.run(state.id, state.caseRef, user.id, state.createdAt, JSON.stringify(state));
    const events = new EventEmitter();
    this.#running.set(state.id, { state, events });
    inSpan(
      'mosaic.search',
      { attributes: { 'mosaic.agency': this.#o.self, 'mosaic.search.peers': state.peers.length } },
      () => this.#run(state, events, user),
    ).catch((err: unknown) => {
      this.#o.logger.error('search failed', { searchId: state.id, error: String(err) });
    });
    return state;
  }

  #resolveTargets(request: SearchRequest, now: number): string[] {
    const snapshot = this.#o.trust.current(now);
    const self = this.#o.self;
    const agencies = request.targets?.agencies ?? [];
    const groups = request.targets?.groups ?? [];
    for (const a of agencies) {
      if (a === self || !this.#o.trust.member(a, now)) {
        throw new MosaicError('MOSAIC_ERR_API_UNKNOWN_PEER', { detail: a });
      }
    }
    const members = [...snapshot.members.values()].filter(
      (m) => m.agencyId !== self && this.#o.trust.member(m.agencyId, now),
    );
    for (const g of groups) {
      if (!members.some((m) => m.groups.includes(g)))
        throw new MosaicError('MOSAIC_ERR_API_UNKNOWN_PEER', { detail: g });
    }
    const chosen =
      agencies.length === 0 && groups.length === 0
        ? members.map((m) => m.agencyId)
        : members
            .filter((m) => agencies.includes(m.agencyId) || m.groups.some((g) => groups.includes(g)))
            .map((m) => m.agencyId);
    if (chosen.length === 0) throw new MosaicError('MOSAIC_ERR_API_NO_TARGETS');
    return chosen.sort();
  }

  async #run(state: SearchState, events: EventEmitter, user: User): Promise<void> {
    const { request } = state;
    const global = AbortSignal.timeout(request.deadlineMs);
    const perPeer = Math.min(request.peerDeadlineMs ?? request.deadlineMs, request.deadlineMs);
    const queue = [...state.peers];
    const worker = async () => {
      for (let peer = queue.shift(); peer; peer = queue.shift()) {
        await this.#ask(state, peer, user, AbortSignal.any([global, AbortSignal.timeout(perPeer)]));
        this.#ended.run(state.id, peer.agency, JSON.stringify(peer));
        events.emit('peer', peer);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#o.concurrency ?? 16, queue.length) }, worker));
    conclude(state);
    state.completedAt = new Date(this.#o.clock()).toISOString();
    this.#finish(state);
    this.#running.delete(state.id);
    events.emit('done', state);
  }

  async #ask(state: SearchState, peer: PeerStatus, user: User, signal: AbortSignal): Promise<void> {
    const { request } = state;
    const started = performance.now();
    const input = {
      purpose: request.purpose,
      legalBasis: request.legalBasis,
      caseRef: request.caseRef,
      requester: { id: user.pseudonym, role: 'analyst' as const },
      subject: request.subject,
      granularity: request.granularity,
      ...(request.datasets ? { datasets: request.datasets } : {}),
    };
    const { audit, client } = this.#o;
    const signed = client.signQuery(peer.agency, input);
    const base = { searchId: state.id, peer: peer.agency, claims: signed.claims };
    try {
      // Kept before the ledger records the query, so every query-sent a crash may leave behind can be closed.
      this.#sent.run(state.id, peer.agency, JSON.stringify(signed.claims));
      await audit.querySent({ ...base, queryDigest: sha256Digest(signed.token), now: this.#o.clock() });
    } catch (err) {
      peer.status = 'error';
      peer.code = isMosaicError(err) ? err.code : 'MOSAIC_ERR_INTERNAL';
      return;
    }
    try {
      const answer = await client.send(peer.agency, signed, signal);
      const { decision, results } = answer.response;
      const hit = results.some((r) => r.exists === true || (r.count ?? 0) > 0 || (r.hits?.length ?? 0) > 0);
      const status = decision.effect === 'deny' ? 'denied' : hit ? 'hit' : 'no-hit';
      await audit.answerReceived({
        ...base,
        status,
        now: this.#o.clock(),
        decision,
        results,
        receipt: answer.response.receipt,
        responseDigest: sha256Digest(answer.responseToken),
        responseJti: answer.response.jti,
        queryToken: answer.queryToken,
      });
      // Shown only once recorded: an answer a reader (GET, SSE) has seen survives a crash of this node.
      peer.granted = decision.granted;
      peer.results = results;
      peer.status = status;
      if (decision.effect === 'deny') peer.reasonCode = decision.reasonCode;
    } catch (err) {
      peer.code = isMosaicError(err) ? err.code : 'MOSAIC_ERR_INTERNAL';
      peer.status =
        peer.code === 'MOSAIC_ERR_PEER_TIMEOUT'
          ? 'timeout'
          : peer.code === 'MOSAIC_ERR_PEER_UNREACHABLE'
            ? 'unreachable'
            : 'error';
      if (err instanceof PeerRefusedError) peer.reasonCode = err.problem.code;
      await audit
        .answerReceived({ ...base, status: peer.status, now: this.#o.clock(), errorCode: peer.code })
        .catch((e: unknown) =>
          this.#o.logger.error('audit of failed answer', { searchId: state.id, error: String(e) }),
        );
    } finally {
      const seconds = (performance.now() - started) / 1000;
      peer.tookMs = Math.round(seconds * 1000);
      this.#o.metrics.queriesOut.inc({ peer: peer.agency, status: peer.status });
      this.#o.metrics.peerCallSeconds.observe({ peer: peer.agency }, seconds);
      this.#o.onPeerOutcome?.(peer.agency, !['timeout', 'unreachable'].includes(peer.status));
    }
  }

  /** The state of a search the user may see (their own case, or a case shared with them). */
  get(id: string, user: User): SearchState {
    const running = this.#running.get(id)?.state;
    const state = running ?? this.#load(id);
    if (!state || !this.#o.cases.canRead(state.caseRef, user))
      throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND');
    return state;
  }

  #load(id: string): SearchState | undefined {
    const row = this.#select.get(id) as { state: string } | undefined;
    return row ? (JSON.parse(row.state) as SearchState) : undefined;
  }

  /** Follow a search: `onPeer` for each peer as it answers, `onDone` once. Returns an unsubscribe function. */
  subscribe(id: string, onPeer: (p: PeerStatus) => void, onDone: (s: SearchState) => void): () => void {
    const running = this.#running.get(id);
    if (!running) {
      const state = this.#load(id);
      if (state) onDone(state);
      return () => {};
    }
    running.events.on('peer', onPeer);
    running.events.once('done', onDone);
    return () => {
      running.events.off('peer', onPeer);
      running.events.off('done', onDone);
    };
  }

  get runningCount(): number {
    return this.#running.size;
  }

  /** Wait for a search to finish (tests, CLI). */
  async settle(id: string): Promise<SearchState> {
    return new Promise((resolve) => {
      this.subscribe(id, () => {}, resolve);
    });
  }
}
