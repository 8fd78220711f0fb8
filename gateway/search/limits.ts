import type Database from 'better-sqlite3';
import { MosaicError } from '../../contracts/index.js';
import type { Counter } from '../metrics/registry.js';

/** Searches one analyst may start (`api.searchLimits` in the node configuration). */
export interface SearchLimits {
  /** In any 60 seconds (a sliding window). */
  readonly perMinute: number;
  /** Per UTC day. */
  readonly perDay: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The requesting node's own brake on bulk searching (issue 15, finding 3): an analyst account, honest or
 * stolen, cannot fan out more than `perMinute` searches in any minute or `perDay` in a UTC day. A search over
 * either limit is refused with a coded 429 before any query is signed, recorded or sent, so a peer never
 * sees it and no ledger grows. Pivots are searches and count the same.
 *
 * The minute window is kept in memory (a restart takes longer than it lasts); the day's count is in SQLite, so
 * restarting the node does not hand out a fresh day. Memory: per analyst at most `perMinute` timestamps.
 */
export class SearchLimiter {
  readonly #limits: () => SearchLimits;
  readonly #refused: Counter | undefined;
  readonly #recent = new Map<string, number[]>();
  readonly #used: Database.Statement<[string, string]>;
  readonly #count: Database.Statement<[string, string]>;
  readonly #purge: Database.Statement<[string]>;
  #purgedBefore = '';

  /**
   * `limits` is read at every search, so a configuration reload applies at once; `refused` counts the
   * refusals by limit (`minute`, `day`).
   */
  constructor(db: Database.Database, limits: () => SearchLimits, refused?: Counter) {
    this.#limits = limits;
    this.#refused = refused;
    db.exec(`CREATE TABLE IF NOT EXISTS search_usage (
      user_id TEXT NOT NULL, day TEXT NOT NULL, used INTEGER NOT NULL, PRIMARY KEY (user_id, day)) WITHOUT ROWID`);
    this.#used = db.prepare('SELECT used FROM search_usage WHERE user_id = ? AND day = ?');
    this.#count = db.prepare(
      'INSERT INTO search_usage (user_id, day, used) VALUES (?, ?, 1) ON CONFLICT(user_id, day) DO UPDATE SET used = used + 1',
    );
    this.#purge = db.prepare('DELETE FROM search_usage WHERE day < ?');
  }

  /**
   * Count one search by `userId` at `now` (epoch ms), or refuse it: MOSAIC_ERR_SEARCH_RATE_LIMITED (the
   * minute) or MOSAIC_ERR_SEARCH_DAILY_LIMIT (the day), each with the seconds to wait as its detail (the API
   * sends it as Retry-After). A refused search counts against nothing.
   */
  take(userId: string, now: number): void {
    const { perMinute, perDay } = this.#limits();
    const recent = (this.#recent.get(userId) ?? []).filter((t) => t > now - MINUTE_MS);
    if (recent.length >= perMinute) {
      this.#recent.set(userId, recent);
      this.#refused?.inc({ limit: 'minute' });
      throw new MosaicError('MOSAIC_ERR_SEARCH_RATE_LIMITED', {
        detail: String(Math.max(1, Math.ceil((recent[0]! + MINUTE_MS - now) / 1000))),
      });
    }
    const day = new Date(now).toISOString().slice(0, 10);
    const used = (this.#used.get(userId, day) as { used: number } | undefined)?.used ?? 0;
    if (used >= perDay) {
      this.#refused?.inc({ limit: 'day' });
      const tomorrow = Date.parse(`${day}T00:00:00Z`) + DAY_MS;
      throw new MosaicError('MOSAIC_ERR_SEARCH_DAILY_LIMIT', {
        detail: String(Math.max(1, Math.ceil((tomorrow - now) / 1000))),
      });
    }
    if (day !== this.#purgedBefore) {
      this.#purge.run(day);
      this.#purgedBefore = day;
    }
    this.#count.run(userId, day);
    recent.push(now);
    this.#recent.set(userId, recent);
  }
}
