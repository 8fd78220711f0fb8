import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';

/** What an opaque hit reference stands for, on the owner's side only. */
export interface HitRefEntry {
  readonly ref: string;
  readonly peer: string;
  readonly dataset: string;
  readonly recordId: string;
  readonly queryJti: string;
  readonly purpose: string;
  readonly caseRef: string;
  readonly granted: string;
  /** The subject kind and selector names of the query that produced the hit, for step-2 policy checks. */
  readonly subjectKind: string;
  readonly selectors: readonly string[];
  readonly createdAt: number;
}

/**
 * Opaque references for step 2. A hit reference is 144 random bits, meaningful only to this node and only
 * for the peer it was given to: it does not reveal the record id, and two searches never share one, so a
 * peer cannot correlate hits across queries through references.
 */
export class HitRefStore {
  readonly #insert: Database.Statement<
    [string, string, string, string, string, string, string, string, string, string, number]
  >;
  readonly #get: Database.Statement<[string, string]>;
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS hit_refs (
      ref TEXT PRIMARY KEY, peer TEXT NOT NULL, dataset TEXT NOT NULL, record_id TEXT NOT NULL,
      query_jti TEXT NOT NULL, purpose TEXT NOT NULL, case_ref TEXT NOT NULL, granted TEXT NOT NULL,
      subject_kind TEXT NOT NULL, selectors TEXT NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID`);
    this.#insert = db.prepare(
      `INSERT INTO hit_refs (ref, peer, dataset, record_id, query_jti, purpose, case_ref, granted, subject_kind,
       selectors, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
    );
    this.#get = db.prepare(
      `SELECT ref, peer, dataset, record_id AS recordId, query_jti AS queryJti, purpose, case_ref AS caseRef,
       granted, subject_kind AS subjectKind, selectors, created_at AS createdAt FROM hit_refs
       WHERE ref = ? AND peer = ?`,
    );
  }

  issue(e: Omit<HitRefEntry, 'ref'>): string {
    const ref = randomBytes(18).toString('base64url');
    this.#insert.run(
      ref,
      e.peer,
      e.dataset,
      e.recordId,
      e.queryJti,
      e.purpose,
      e.caseRef,
      e.granted,
      e.subjectKind,
      JSON.stringify(e.selectors),
      e.createdAt,
    );
    return ref;
  }

  /** Issue references for all the hits of one answer in one transaction (one commit, not one per hit). */
  issueMany(entries: readonly Omit<HitRefEntry, 'ref'>[]): string[] {
    if (entries.length === 0) return [];
    return this.#db.transaction(() => entries.map((e) => this.issue(e)))();
  }

  /** The entry behind a reference, only for the peer it was issued to. */
  lookup(ref: string, peer: string): HitRefEntry | undefined {
    const row = this.#get.get(ref, peer) as
      | (Omit<HitRefEntry, 'selectors'> & { selectors: string })
      | undefined;
    return row ? { ...row, selectors: JSON.parse(row.selectors) as string[] } : undefined;
  }
}
