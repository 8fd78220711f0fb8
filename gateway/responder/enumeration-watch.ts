import { createHmac, randomBytes } from 'node:crypto';
import { canonicalize, type DatasetResult } from '../../contracts/index.js';
import { Gauge } from '../metrics/registry.js';
import type { VerifiedQuery } from '../peer/ports.js';

/** When a peer's queries look like enumeration (`enumerationWatch` in the node configuration). */
export interface EnumerationThresholds {
  /** The length of one window (default one hour). */
  readonly windowSeconds: number;
  /** Distinct subjects asked about in one window, at least. */
  readonly distinctSubjects: number;
  /** Share of the window's queries that found something (exists, a count, a hit), at least. */
  readonly hitRatio: number;
}

/** One peer's window, as the gauges and the ledger event report it. */
export interface PeerPattern {
  readonly peer: string;
  /** ISO 8601 start of the window. */
  readonly since: string;
  readonly queries: number;
  readonly hitQueries: number;
  /** Distinct subjects asked about; stops growing at twice the threshold (the memory bound). */
  readonly distinctSubjects: number;
}

interface Window {
  start: number;
  queries: number;
  hitQueries: number;
  subjects: Set<string>;
  /** The thresholds were crossed in this window. */
  crossed: boolean;
  /** ... or in the one before it: the alarm stays up for a whole window after the pattern stops. */
  crossedBefore: boolean;
}

/**
 * Watches, per requesting peer, the pattern bulk extraction leaves (issue 15, finding 3): many distinct
 * subjects in a short time, most of which the peer already knew to be here (a high share of queries find
 * something). An investigation asks about few people and misses at most peers; a member pulling the
 * register asks about thousands of common names and hits. Quotas bound what can be taken; this tells the
 * operator someone is trying.
 *
 * Windows are fixed (they start at a peer's first query and last `windowSeconds`) and counted from scratch;
 * a peer is suspected while its current or previous window crossed every threshold, and `onSuspected` is
 * called once when that starts (the node logs a warning and writes a ledger admin event). Memory is bounded:
 * per member of the trust list, a set of at most twice `distinctSubjects` keyed hashes (HMAC with a key that
 * never leaves the process, so the set says nothing about whom was asked after, even in a core dump).
 */
export class EnumerationWatch {
  readonly #thresholds: () => EnumerationThresholds;
  readonly #onSuspected: (pattern: PeerPattern) => void;
  readonly #clock: () => number;
  readonly #peers = new Map<string, Window>();
  readonly #key = randomBytes(32);

  /** `thresholds` is read at every query, so a configuration reload applies at once. */
  constructor(
    thresholds: () => EnumerationThresholds,
    onSuspected: (pattern: PeerPattern) => void,
    clock: () => number,
  ) {
    this.#thresholds = thresholds;
    this.#onSuspected = onSuspected;
    this.#clock = clock;
  }

  /** Count one answered query. Cheap and synchronous: one HMAC and a Set insert. */
  observe(query: VerifiedQuery, results: readonly DatasetResult[]): void {
    const t = this.#thresholds();
    const peer = query.peer.agencyId;
    const w = this.#window(peer, query.now, t);
    w.queries++;
    if (results.some(found)) w.hitQueries++;
    if (w.subjects.size < t.distinctSubjects * 2) {
      w.subjects.add(
        createHmac('sha256', this.#key)
          .update(canonicalize(query.claims.subject))
          .digest('base64url')
          .slice(0, 22),
      );
    }
    if (w.crossed || w.subjects.size < t.distinctSubjects || w.hitQueries < t.hitRatio * w.queries) return;
    const already = w.crossedBefore;
    w.crossed = true;
    if (!already) this.#onSuspected(patternOf(peer, w));
  }

  /** The peer's current window, rolled over when it has ended. */
  #window(peer: string, now: number, t: EnumerationThresholds): Window {
    const length = t.windowSeconds * 1000;
    const w = this.#peers.get(peer);
    if (w && now < w.start + length) return w;
    const next: Window = {
      start: now,
      queries: 0,
      hitQueries: 0,
      subjects: new Set(),
      crossed: false,
      // Only the window right before counts: a peer idle since is not still suspected.
      crossedBefore: w ? w.crossed && now < w.start + 2 * length : false,
    };
    this.#peers.set(peer, next);
    return next;
  }

  /** Whether the peer is suspected now (its current or previous window crossed the thresholds). */
  suspected(peer: string): boolean {
    const w = this.#current(peer);
    return w !== undefined && (w.crossed || w.crossedBefore);
  }

  /** The peer's current window, without rolling it over (a window that ended is read as empty). */
  #current(peer: string): Window | undefined {
    const w = this.#peers.get(peer);
    if (!w) return undefined;
    const length = this.#thresholds().windowSeconds * 1000;
    const now = this.#clock();
    if (now < w.start + length) return w;
    return {
      start: now,
      queries: 0,
      hitQueries: 0,
      subjects: new Set(),
      crossed: false,
      crossedBefore: w.crossed && now < w.start + 2 * length,
    };
  }

  /** Every peer seen, with its current window. */
  patterns(): PeerPattern[] {
    return [...this.#peers.keys()].map((peer) => patternOf(peer, this.#current(peer)!));
  }

  /** The gauges to register: the flag per peer and the numbers it is decided on. */
  gauges(): Gauge[] {
    const per = (value: (p: PeerPattern) => number) => () =>
      this.patterns().map((p) => ({ labels: { peer: p.peer }, value: value(p) }));
    return [
      new Gauge(
        'mosaic_peer_enumeration_suspected',
        '1 while a peer queries many distinct subjects with a high hit ratio (enumerationWatch), in this window or the last.',
        per((p) => (this.suspected(p.peer) ? 1 : 0)),
      ),
      new Gauge(
        'mosaic_peer_window_queries',
        'Queries answered to each peer in its current enumerationWatch window.',
        per((p) => p.queries),
      ),
      new Gauge(
        'mosaic_peer_window_distinct_subjects',
        'Distinct subjects each peer asked about in its current window (stops at twice the threshold).',
        per((p) => p.distinctSubjects),
      ),
      new Gauge(
        'mosaic_peer_window_hit_ratio',
        "Share of each peer's queries in its current window that found something.",
        per((p) => (p.queries === 0 ? 0 : p.hitQueries / p.queries)),
      ),
    ];
  }
}

function found(r: DatasetResult): boolean {
  return r.exists === true || (r.count ?? 0) > 0 || (r.hits?.length ?? 0) > 0;
}

function patternOf(peer: string, w: Window): PeerPattern {
  return {
    peer,
    since: new Date(w.start).toISOString(),
    queries: w.queries,
    hitQueries: w.hitQueries,
    distinctSubjects: w.subjects.size,
  };
}
