import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { MosaicError } from '../../contracts/errors/mosaic-error.js';
import type { EntityRecord } from '../../contracts/schemas/entity.js';
import type { PrepareOptions } from '../../matching/index.js';
import { type PreparedBatch, prepareBatch } from '../sqlite/prepare.js';
import { spareCores, workerScript } from '../worker-script.js';

/** How long the importing thread waits for one run before it calls the worker stuck. */
const WAIT_MS = 60_000;

/**
 * Prepares runs of records for the SQLite writer, in order: on a worker thread when one can be started, so
 * that normalising, blocking-key hashing and JSON encoding (about a third of an import's CPU) overlap with
 * the inserts; in the calling thread otherwise. The import stays synchronous (one SQLite transaction, which
 * better-sqlite3 cannot hold across an await): the caller blocks in Atomics.wait for a run it needs and
 * reads the answer with receiveMessageOnPort. Each run carries the caller's `tag` (what it needs to report
 * on the run's rows), handed back with the prepared run.
 */
export class BatchPreparer<T> {
  readonly #dataset: string;
  readonly #options: PrepareOptions;
  readonly #threads: Thread[] = [];
  /** Runs sent and not yet taken, oldest first, with the thread preparing each (none: prepared when taken). */
  readonly #queue: { records: EntityRecord[]; tag: T; thread: Thread | undefined }[] = [];
  #next = 0;

  private constructor(dataset: string, options: PrepareOptions, workers: number) {
    this.#dataset = dataset;
    this.#options = options;
    const script = workers > 0 ? workerScript('./import-worker.js', import.meta.url) : undefined;
    if (script === undefined) return;
    try {
      for (let i = 0; i < workers; i++) {
        const { port1, port2 } = new MessageChannel();
        const done = new Int32Array(new SharedArrayBuffer(4));
        const worker = new Worker(script, {
          workerData: { port: port2, done, dataset, options },
          // A small young generation: the runs are short-lived garbage, and each worker's heap adds to the
          // import's peak memory (bench/match-latency bounds it at 400 MB for a million records).
          resourceLimits: { maxYoungGenerationSizeMb: 8 },
          transferList: [port2],
        });
        // A worker must never keep a finished import's process alive.
        worker.unref();
        const thread: Thread = { worker, port: port1, done, taken: 0, failure: undefined };
        // Delivered once the importing thread returns to the event loop (it cannot while it waits): kept for
        // the error it reports, and so that a dead worker never becomes an uncaught exception.
        worker.on('error', (err) => {
          thread.failure = err.message;
        });
        this.#threads.push(thread);
      }
    } catch {
      // No threads (resource limits, a sandbox): the calling thread prepares every run.
      this.close();
      this.#threads.length = 0;
    }
  }

  /**
   * `workers`: threads preparing runs (0: the calling thread does). By default one per core beyond the
   * calling thread's, which writes. Small files are not worth a thread's start-up (about 40 ms each).
   */
  static open<T>(dataset: string, options: PrepareOptions, workers: number = spareCores()): BatchPreparer<T> {
    return new BatchPreparer<T>(dataset, options, Math.max(0, Math.min(MAX_WORKERS, workers)));
  }

  /** Worker threads preparing runs (0: the calling thread prepares them). */
  get threads(): number {
    return this.#threads.length;
  }

  /** Runs sent and not yet taken. */
  get pending(): number {
    return this.#queue.length;
  }

  send(records: EntityRecord[], tag: T): void {
    const thread =
      this.#threads.length === 0 ? undefined : this.#threads[this.#next++ % this.#threads.length]!;
    this.#queue.push({ records, tag, thread });
    if (thread !== undefined) {
      thread.port.postMessage(records);
    }
  }

  /** The oldest run sent, prepared: waits for its worker if that is not done yet. */
  take(): { records: EntityRecord[]; tag: T; batch: PreparedBatch } {
    const item = this.#queue.shift();
    if (item === undefined) throw new Error('BatchPreparer.take: nothing sent');
    const { records, tag, thread } = item;
    if (thread === undefined)
      return { records, tag, batch: prepareBatch(this.#dataset, records, this.#options) };
    const want = ++thread.taken;
    const deadline = Date.now() + WAIT_MS;
    for (let seen = Atomics.load(thread.done, 0); seen < want; seen = Atomics.load(thread.done, 0)) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new MosaicError('MOSAIC_ERR_INTERNAL', {
          detail: `the import worker did not answer${thread.failure ? ` (${thread.failure})` : ''}`,
        });
      Atomics.wait(thread.done, 0, seen, left);
    }
    const m = receiveMessageOnPort(thread.port)?.message as
      | { batch: PreparedBatch; error?: undefined }
      | { error: string }
      | undefined;
    if (m === undefined)
      throw new MosaicError('MOSAIC_ERR_INTERNAL', { detail: 'the import worker lost a run' });
    if (m.error !== undefined) throw new MosaicError('MOSAIC_ERR_INTERNAL', { detail: m.error });
    return { records, tag, batch: m.batch };
  }

  close(): void {
    for (const t of this.#threads) {
      t.port.close();
      void t.worker.terminate();
    }
  }
}

interface Thread {
  readonly worker: Worker;
  readonly port: MessagePort;
  /** Runs this worker has answered (it bumps the counter after each answer). */
  readonly done: Int32Array;
  taken: number;
  failure: string | undefined;
}

/** More workers than this only queue for the writer. */
const MAX_WORKERS = 4;
