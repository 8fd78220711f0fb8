import { Worker } from 'node:worker_threads';
import { type Issue, MosaicError } from '../../contracts/errors/mosaic-error.js';
import type { ErrorCode, Subject } from '../../contracts/index.js';
import { type Connector, type MatchHit, matchQuery } from '../../connectors/index.js';
import { spareCores, workerScript } from '../../connectors/worker-script.js';
import { type RecordFilterPlan, recordPasses } from '../../policies/index.js';

/** One dataset's fuzzy search, as the match step asks it: plain data, so it can cross to a match thread. */
export interface DatasetSearch {
  subject: Subject;
  dataset: string;
  maxHits: number;
  minScore: number;
  recordFilter: RecordFilterPlan;
  now: number;
}

export interface MatchRequest extends DatasetSearch {
  id: number;
}

/** Run one search: on a match thread (match-worker.ts) or, without one, on the caller's thread. */
export async function searchDataset(connector: Connector, s: DatasetSearch): Promise<MatchHit[]> {
  const r = await matchQuery(connector, s.subject, {
    datasets: [s.dataset],
    maxHits: s.maxHits,
    minScore: s.minScore,
    recordFilter: (record) => recordPasses(s.recordFilter, record, s.now),
  });
  return r.hits;
}

export type MatchReply =
  | { id: number; hits: MatchHit[]; error?: undefined }
  | { id: number; error: { code: ErrorCode; detail?: string; issues?: readonly Issue[] } };

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * Worker threads running the match step (candidate retrieval and scoring, about half of a peer query's CPU)
 * beside the event loop, which keeps TLS, signatures, policy and the ledger. Each worker holds its own
 * read-only connection and candidate cache; a request goes to the least busy one. A worker that dies fails
 * its requests with MOSAIC_ERR_CONNECTOR_UNAVAILABLE and is replaced, unless workers keep dying (three
 * failures within a minute: a file it cannot open, a broken install): the pool then stops (`usable` false)
 * and the caller matches on its own thread. Workers are unref'd: they never keep a process alive.
 */
export class MatchPool {
  readonly #slots: Slot[] = [];
  readonly #pending = new Map<
    number,
    { slot: Slot; resolve: (h: MatchHit[]) => void; reject: (e: unknown) => void }
  >();
  readonly #script: URL;
  readonly #data: { path: string; cacheRecords?: number };
  #next = 1;
  #closed = false;
  /** When workers failed recently (ms), for the give-up rule. */
  #failures: number[] = [];
  readonly #onFailure: (detail: string) => void;

  private constructor(
    script: URL,
    data: { path: string; cacheRecords?: number },
    workers: number,
    onFailure: (detail: string) => void,
  ) {
    this.#script = script;
    this.#data = data;
    this.#onFailure = onFailure;
    for (let i = 0; i < workers; i++) this.#slots.push(this.#spawn());
  }

  /** A pool of `workers` threads on the SQLite file at `path`, or undefined for 0 (or no compiled worker). */
  static open(
    data: { path: string; cacheRecords?: number },
    workers: number = spareCores(),
    onFailure: (detail: string) => void = () => {},
  ): MatchPool | undefined {
    if (workers <= 0) return undefined;
    const script = workerScript('./match-worker.js', import.meta.url);
    return script === undefined ? undefined : new MatchPool(script, data, workers, onFailure);
  }

  get size(): number {
    return this.#slots.length;
  }

  /** False once closed or given up on: the caller matches on its own thread instead. */
  get usable(): boolean {
    return !this.#closed;
  }

  match(req: DatasetSearch): Promise<MatchHit[]> {
    if (this.#closed)
      return Promise.reject(new MosaicError('MOSAIC_ERR_CONNECTOR_UNAVAILABLE', { detail: 'closed' }));
    let slot = this.#slots[0]!;
    for (const s of this.#slots) if (s.busy < slot.busy) slot = s;
    const id = this.#next++;
    slot.busy++;
    return new Promise<MatchHit[]>((resolve, reject) => {
      this.#pending.set(id, { slot, resolve, reject });
      slot.worker.postMessage({ ...req, id } satisfies MatchRequest);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#rejectAll('closed');
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  #rejectAll(detail: string, only?: Slot): void {
    for (const [id, p] of this.#pending) {
      if (only !== undefined && p.slot !== only) continue;
      this.#pending.delete(id);
      p.slot.busy--;
      p.reject(new MosaicError('MOSAIC_ERR_CONNECTOR_UNAVAILABLE', { detail }));
    }
  }

  #spawn(): Slot {
    const worker = new Worker(this.#script, { workerData: this.#data });
    worker.unref();
    const slot: Slot = { worker, busy: 0 };
    worker.on('message', (m: MatchReply) => {
      const p = this.#pending.get(m.id);
      if (p === undefined) return;
      this.#pending.delete(m.id);
      slot.busy--;
      if (m.error === undefined) p.resolve(m.hits);
      else
        p.reject(
          new MosaicError(m.error.code, {
            ...(m.error.detail === undefined ? {} : { detail: m.error.detail }),
            ...(m.error.issues === undefined ? {} : { issues: m.error.issues }),
          }),
        );
    });
    let failed = false;
    const fail = (detail: string) => {
      if (failed || this.#closed) return;
      failed = true;
      this.#rejectAll(detail, slot);
      this.#onFailure(detail);
      const now = Date.now();
      this.#failures = [...this.#failures.filter((t) => now - t < 60_000), now];
      if (this.#failures.length >= 3) {
        // Workers keep dying: stop using them rather than respawning in a loop.
        this.#onFailure('giving up on match threads; matching on the event loop');
        void this.close();
        return;
      }
      const i = this.#slots.indexOf(slot);
      if (i >= 0) this.#slots[i] = this.#spawn();
    };
    worker.on('error', (e) => fail(`match worker failed: ${e.message}`));
    worker.on('exit', (code) => {
      if (!this.#closed) fail(`match worker exited (${code})`);
    });
    return slot;
  }
}
