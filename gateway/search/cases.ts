import type Database from 'better-sqlite3';
import { MosaicError } from '../../contracts/index.js';
import type { User } from '../users/store.js';

/**
 * Cases group searches, graph decisions and disclosures under a case reference. The first analyst to use a
 * reference owns the case; others see it only when it is shared with them. Auditors read every case; an
 * analyst probing another's case gets "not found", never "forbidden", so case references do not leak.
 */
export class CaseStore {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS cases (
      case_ref TEXT PRIMARY KEY, owner TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS case_shares (
      case_ref TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (case_ref, user_id)) WITHOUT ROWID;`);
  }

  /** Use a case reference: creates the case for this user, or checks that they may work on it. */
  claim(caseRef: string, user: User, now: Date): void {
    this.#db
      .prepare('INSERT OR IGNORE INTO cases (case_ref, owner, created_at) VALUES (?, ?, ?)')
      .run(caseRef, user.id, now.toISOString());
    if (!this.canWrite(caseRef, user))
      throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND', { detail: 'case of another analyst' });
  }

  canWrite(caseRef: string, user: User): boolean {
    if (user.role !== 'analyst' && user.role !== 'admin') return false;
    const row = this.#db.prepare('SELECT owner FROM cases WHERE case_ref = ?').get(caseRef) as
      | { owner: string }
      | undefined;
    if (!row) return false;
    if (row.owner === user.id) return true;
    return (
      this.#db
        .prepare('SELECT 1 FROM case_shares WHERE case_ref = ? AND user_id = ?')
        .get(caseRef, user.id) !== undefined
    );
  }

  canRead(caseRef: string, user: User): boolean {
    return user.role === 'auditor' || this.canWrite(caseRef, user);
  }

  share(caseRef: string, owner: User, withUserId: string): void {
    const row = this.#db.prepare('SELECT owner FROM cases WHERE case_ref = ?').get(caseRef) as
      | { owner: string }
      | undefined;
    if (!row || row.owner !== owner.id) throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND');
    this.#db
      .prepare('INSERT OR IGNORE INTO case_shares (case_ref, user_id) VALUES (?, ?)')
      .run(caseRef, withUserId);
  }
}
