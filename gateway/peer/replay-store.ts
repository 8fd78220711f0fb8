import type Database from 'better-sqlite3';

/**
 * Seen query ids, per issuer, kept until the query could no longer pass the freshness check (exp + tolerance).
 * A replay after the purge is therefore still refused, as expired — and, should the node's clock step back
 * (an NTP correction) so that such a query looks fresh again, as a replay: the store remembers the latest
 * purge horizon (persisted) and refuses any query it may have forgotten, one whose `keepUntil` is below it.
 *
 * The check is synchronous and exact: a jti is looked up in memory, then in SQLite (ids from before a
 * restart). New ids are written to SQLite in one transaction per turn of the event loop instead of one commit
 * per query — the single most expensive step of the envelope otherwise. The flush runs on the next
 * `setImmediate`, before the answer to that query has finished its own audit commit.
 */
export class ReplayStore {
  readonly #insert: Database.Statement<[string, string, number]>;
  readonly #exists: Database.Statement<[string, string]>;
  readonly #purge: Database.Statement<[number]>;
  readonly #db: Database.Database;
  readonly #recent = new Map<string, number>();
  #pending: [string, string, number][] = [];
  #flushScheduled = false;
  #sincePurge = 0;
  /** Ids with keep_until below this (epoch seconds) may have been purged: such a query is refused. */
  #horizon: number;
  readonly #saveHorizon: Database.Statement<[number]>;
  /** Epoch seconds when this store opened: ids of queries issued later can only be in memory. */
  readonly #openedAt: number;

  constructor(db: Database.Database, openedAt: number) {
    this.#db = db;
    this.#openedAt = openedAt;
    db.exec(`CREATE TABLE IF NOT EXISTS seen_jti (
      iss TEXT NOT NULL, jti TEXT NOT NULL, keep_until INTEGER NOT NULL,
      PRIMARY KEY (iss, jti)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS seen_jti_keep ON seen_jti (keep_until);
      CREATE TABLE IF NOT EXISTS seen_jti_horizon (one INTEGER PRIMARY KEY CHECK (one = 1), horizon INTEGER NOT NULL);`);
    this.#horizon =
      (db.prepare('SELECT horizon FROM seen_jti_horizon WHERE one = 1').pluck().get() as
        | number
        | undefined) ?? 0;
    this.#saveHorizon = db.prepare(
      'INSERT INTO seen_jti_horizon (one, horizon) VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET horizon = MAX(horizon, excluded.horizon)',
    );
    this.#insert = db.prepare('INSERT OR IGNORE INTO seen_jti (iss, jti, keep_until) VALUES (?, ?, ?)');
    this.#exists = db.prepare('SELECT 1 FROM seen_jti WHERE iss = ? AND jti = ?').pluck();
    this.#purge = db.prepare('DELETE FROM seen_jti WHERE keep_until < ?');
  }

  /**
   * Record a jti; false when it was already there (a replay). `keepUntil`, `now` and `issuedAt` are epoch
   * seconds; a query issued after this store opened (beyond the clock tolerance the caller added) cannot have
   * been seen by an earlier process, so only memory is consulted for it.
   */
  remember(iss: string, jti: string, keepUntil: number, now: number, issuedAt = 0): boolean {
    const key = `${iss}\u0000${jti}`;
    if (keepUntil < this.#horizon) return false;
    if (this.#recent.has(key)) return false;
    if (issuedAt <= this.#openedAt && this.#exists.get(iss, jti) !== undefined) return false;
    this.#recent.set(key, keepUntil);
    this.#pending.push([iss, jti, keepUntil]);
    if (++this.#sincePurge >= 1000) {
      this.#sincePurge = 0;
      this.purge(now);
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  /** Write the ids seen since the last flush, in one transaction. */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#pending.length === 0 || !this.#db.open) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#db.transaction(() => {
      for (const row of batch) this.#insert.run(...row);
    })();
  }

  purge(now: number): number {
    if (now > this.#horizon) {
      this.#horizon = now;
      this.#saveHorizon.run(now);
    }
    for (const [key, keepUntil] of this.#recent) if (keepUntil < this.#horizon) this.#recent.delete(key);
    return this.#purge.run(this.#horizon).changes;
  }
}
