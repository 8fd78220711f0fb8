import type Database from 'better-sqlite3';

/**
 * Seen query ids, per issuer, kept until the query could no longer pass the freshness check (exp + tolerance).
 * A replay after the purge is therefore still refused, as expired.
 */
export class ReplayStore {
  readonly #insert: Database.Statement<[string, string, number]>;
  readonly #purge: Database.Statement<[number]>;
  #sincePurge = 0;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS seen_jti (
      iss TEXT NOT NULL, jti TEXT NOT NULL, keep_until INTEGER NOT NULL,
      PRIMARY KEY (iss, jti)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS seen_jti_keep ON seen_jti (keep_until);`);
    this.#insert = db.prepare('INSERT OR IGNORE INTO seen_jti (iss, jti, keep_until) VALUES (?, ?, ?)');
    this.#purge = db.prepare('DELETE FROM seen_jti WHERE keep_until < ?');
  }

  /** Record a jti; false when it was already there (a replay). `keepUntil` and `now` are epoch seconds. */
  remember(iss: string, jti: string, keepUntil: number, now: number): boolean {
    if (++this.#sincePurge >= 1000) {
      this.#sincePurge = 0;
      this.#purge.run(now);
    }
    return this.#insert.run(iss, jti, keepUntil).changes === 1;
  }

  purge(now: number): number {
    return this.#purge.run(now).changes;
  }
}
