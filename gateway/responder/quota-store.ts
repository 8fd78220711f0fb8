import type Database from 'better-sqlite3';
import type { QuotaCounters, QuotaIncrement } from '../../policies/index.js';

/**
 * Quota usage per (peer, quota, window), in the node's SQLite store. Keys come from the policy engine
 * (`QuotaIncrement.key`), so a new window is simply a new key; old windows are purged.
 */
export class QuotaStore implements QuotaCounters {
  readonly #get: Database.Statement<[string]>;
  readonly #inc: Database.Statement<[string, string]>;
  readonly #purge: Database.Statement<[string]>;
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS quota_usage (
      key TEXT PRIMARY KEY, window TEXT NOT NULL, used INTEGER NOT NULL) WITHOUT ROWID`);
    this.#get = db.prepare('SELECT used FROM quota_usage WHERE key = ?');
    this.#inc = db.prepare(
      'INSERT INTO quota_usage (key, window, used) VALUES (?, ?, 1) ON CONFLICT(key) DO UPDATE SET used = used + 1',
    );
    this.#purge = db.prepare('DELETE FROM quota_usage WHERE window < ?');
  }

  get(key: string): number | undefined {
    return (this.#get.get(key) as { used: number } | undefined)?.used;
  }

  /** Count a permitted exchange against every quota its decision named, atomically. */
  consume(increments: readonly QuotaIncrement[]): void {
    if (increments.length === 0) return;
    this.#db.transaction(() => {
      for (const q of increments) this.#inc.run(q.key, q.window);
    })();
  }

  purgeBefore(windowIso: string): number {
    return this.#purge.run(windowIso).changes;
  }
}
