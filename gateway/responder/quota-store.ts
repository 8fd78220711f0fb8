import type Database from 'better-sqlite3';
import type { QuotaCounters, QuotaIncrement } from '../../policies/index.js';

/** What the match step needs of the quota store: take released records from `counts: records` quotas. */
export interface RecordQuotaPort {
  /**
   * Take up to `wanted` units from every quota in `quotas` at once, as many as the fullest of them has left;
   * returns how many were taken (0 when one is used up). Check and increment are one transaction.
   */
  take(quotas: readonly QuotaIncrement[], wanted: number): number;
}

/**
 * Quota usage per (peer, quota, window), or per (peer, quota, window, requester) for `per: requester` quotas,
 * in the node's SQLite store. Keys come from the policy engine (`QuotaIncrement.key`), so a new window is
 * simply a new key; old windows are purged.
 */
export class QuotaStore implements QuotaCounters, RecordQuotaPort {
  readonly #get: Database.Statement<[string]>;
  readonly #add: Database.Statement<[string, string, number]>;
  readonly #purge: Database.Statement<[string]>;
  readonly #db: Database.Database;
  readonly #take: (quotas: readonly QuotaIncrement[], wanted: number) => number;

  constructor(db: Database.Database) {
    this.#db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS quota_usage (
      key TEXT PRIMARY KEY, window TEXT NOT NULL, used INTEGER NOT NULL) WITHOUT ROWID`);
    this.#get = db.prepare('SELECT used FROM quota_usage WHERE key = ?');
    this.#add = db.prepare(
      'INSERT INTO quota_usage (key, window, used) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET used = used + excluded.used',
    );
    this.#purge = db.prepare('DELETE FROM quota_usage WHERE window < ?');
    // Read and increment in one transaction: two answers whose matching ran at the same time (match threads)
    // can never both take the last records. The limit is the decision's, the usage the store's now.
    this.#take = db.transaction((quotas: readonly QuotaIncrement[], wanted: number): number => {
      let n = Math.max(0, Math.floor(wanted));
      for (const q of quotas) n = Math.min(n, Math.max(0, q.limit - (this.get(q.key) ?? 0)));
      if (n > 0) for (const q of quotas) this.#add.run(q.key, q.window, n);
      return n;
    });
  }

  get(key: string): number | undefined {
    return (this.#get.get(key) as { used: number } | undefined)?.used;
  }

  /**
   * Count one unit against every quota its decision named, atomically: a permitted exchange, or a step-2
   * disclosure (one exchange that releases one record).
   */
  consume(increments: readonly QuotaIncrement[]): void {
    if (increments.length === 0) return;
    this.#db.transaction(() => {
      for (const q of increments) this.#add.run(q.key, q.window, 1);
    })();
  }

  take(quotas: readonly QuotaIncrement[], wanted: number): number {
    if (quotas.length === 0) return Math.max(0, Math.floor(wanted));
    return this.#take(quotas, wanted);
  }

  purgeBefore(windowIso: string): number {
    return this.#purge.run(windowIso).changes;
  }
}
