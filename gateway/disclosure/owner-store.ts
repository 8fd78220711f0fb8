import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { DisclosureClaims, Urgency } from '../../contracts/index.js';
import type { Decision } from '../../policies/index.js';
import type { HitRefEntry } from '../responder/hit-refs.js';
import type { ReleaseFacts } from './release.js';

const DAY_MS = 86_400_000;

/**
 * How many times one approved request hands out its record. The requesting node stores the record at the
 * first delivery and never asks again; the spare two cover an answer lost in transit. Every delivery is in
 * the ledger; beyond these, MOSAIC_ERR_DISCLOSURE_DELIVERY_LIMIT.
 */
export const MAX_DELIVERIES = 3;

/**
 * `expired`: approved, and its delivery window (the hit reference's life, the record's retention) has ended;
 * the frozen record is deleted. `withdrawn`: approved, and a delivery found that the policy now withholds it.
 */
export type OwnerStatus = 'queued' | 'approved' | 'refused' | 'withdrawn' | 'expired';

/** A peer's step-2 request as the owner keeps it (table `disclosures_in`). */
export interface InRow {
  id: string;
  peer: string;
  ref: string;
  dataset: string;
  record_id: string;
  kind: string;
  purpose: string;
  legal_basis: string;
  case_ref: string;
  justification: string;
  urgency: Urgency;
  requester: string;
  request_jti: string;
  request_digest: string;
  status: OwnerStatus;
  reason_code: string;
  advice: string;
  /** The field plan (field → transform) of the permission that decided. */
  plan: string;
  policy_digest: string | null;
  handling_code: string | null;
  retention_days: number | null;
  deadline: number;
  created_at: number;
  decided_at: number | null;
  decided_by: string | null;
  note: string | null;
  /** First delivery. */
  delivered_at: number | null;
  /** The hit's subject kind and selector names, for re-running the policy (the hit reference may be gone). */
  subject_kind: string | null;
  selectors: string | null;
  /** When the hit reference stops being usable (its `createdAt` + `protocol.hitRefDays`). */
  ref_expires_at: number | null;
  /** The frozen released values (JSON `{field: value}`): what the officer sees and what approval releases. */
  released: string | null;
  /** The signed reply carrying the record, signed once at approval; every delivery hands out these bytes. */
  token: string | null;
  /** SHA-256 of `token`; kept after the token is deleted, for the ledger. */
  token_digest: string | null;
  deliveries: number;
  /** End of the delivery window: the earlier of `ref_expires_at` and the decision + `retention_days`. */
  ends_at: number | null;
}

/** Columns added after the first release of step 2; an older node.db gets them on start. */
const ADDED: readonly [keyof InRow, string][] = [
  ['subject_kind', 'TEXT'],
  ['selectors', 'TEXT'],
  ['ref_expires_at', 'INTEGER'],
  ['released', 'TEXT'],
  ['token', 'TEXT'],
  ['token_digest', 'TEXT'],
  ['deliveries', 'INTEGER NOT NULL DEFAULT 0'],
  ['ends_at', 'INTEGER'],
];

/** The owner's store of step-2 requests: the only code that names `disclosures_in`. */
export class IncomingDisclosures {
  readonly #db: Database.Database;
  readonly #get: Database.Statement<[string]>;
  readonly #open: Database.Statement<[string, string, number, number]>;
  readonly #queued: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.#db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS disclosures_in (
      id TEXT PRIMARY KEY, peer TEXT NOT NULL, ref TEXT NOT NULL, dataset TEXT NOT NULL, record_id TEXT NOT NULL,
      kind TEXT NOT NULL, purpose TEXT NOT NULL, legal_basis TEXT NOT NULL, case_ref TEXT NOT NULL,
      justification TEXT NOT NULL, urgency TEXT NOT NULL, requester TEXT NOT NULL, request_jti TEXT NOT NULL,
      request_digest TEXT NOT NULL, status TEXT NOT NULL, reason_code TEXT NOT NULL, advice TEXT NOT NULL,
      plan TEXT NOT NULL, policy_digest TEXT, handling_code TEXT, retention_days INTEGER, deadline INTEGER NOT NULL,
      created_at INTEGER NOT NULL, decided_at INTEGER, decided_by TEXT, note TEXT, delivered_at INTEGER);
      CREATE INDEX IF NOT EXISTS disclosures_in_status ON disclosures_in (status, deadline);`);
    const columns = new Set(
      (db.prepare('PRAGMA table_info(disclosures_in)').all() as { name: string }[]).map((c) => c.name),
    );
    for (const [name, type] of ADDED) {
      if (columns.has(name)) continue;
      db.exec(`ALTER TABLE disclosures_in ADD COLUMN ${name} ${type}`);
      // A request delivered before deliveries were counted has had one.
      if (name === 'deliveries')
        db.exec('UPDATE disclosures_in SET deliveries = 1 WHERE delivered_at IS NOT NULL');
    }
    db.exec('CREATE INDEX IF NOT EXISTS disclosures_in_peer_ref ON disclosures_in (peer, ref)');
    this.#get = db.prepare('SELECT * FROM disclosures_in WHERE id = ?');
    this.#open = db.prepare(
      `SELECT id FROM disclosures_in WHERE peer = ? AND ref = ? AND (status = 'queued' OR (status = 'approved'
       AND deliveries < ? AND (ends_at IS NULL OR ends_at > ?))) LIMIT 1`,
    );
    this.#queued = db.prepare("SELECT COUNT(*) FROM disclosures_in WHERE peer = ? AND status = 'queued'");
  }

  get(id: string): InRow | undefined {
    return this.#get.get(id) as InRow | undefined;
  }

  insert(row: InRow): void {
    const cols = Object.keys(row);
    this.#db
      .prepare(
        `INSERT INTO disclosures_in (${cols.join(',')}) VALUES (${cols.map((c) => `@${c}`).join(',')})`,
      )
      .run(row);
  }

  /**
   * Change a request; with `from`, only while it still has that status. Returns whether it changed. The
   * column names come from `InRow`'s keys, never from input.
   */
  update(id: string, patch: Partial<InRow>, from?: OwnerStatus): boolean {
    const cols = Object.keys(patch);
    const sql = `UPDATE disclosures_in SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @__id${
      from === undefined ? '' : ' AND status = @__from'
    }`;
    return this.#db.prepare(sql).run({ ...patch, __id: id, ...(from ? { __from: from } : {}) }).changes > 0;
  }

  /** The id of a request from `peer` for `ref` that is still open: queued, or approved and deliverable. */
  openFor(peer: string, ref: string, maxDeliveries: number, now: number): string | undefined {
    return (this.#open.get(peer, ref, maxDeliveries, now) as { id: string } | undefined)?.id;
  }

  /** How many of `peer`'s requests wait for an officer. */
  queuedCount(peer: string): number {
    return this.#queued.pluck().get(peer) as number;
  }

  list(status: OwnerStatus | 'all'): InRow[] {
    return (
      status === 'all'
        ? this.#db.prepare('SELECT * FROM disclosures_in ORDER BY deadline').all()
        : this.#db.prepare('SELECT * FROM disclosures_in WHERE status = ? ORDER BY deadline').all(status)
    ) as InRow[];
  }

  backlog(now: number): { pending: number; overdue: number } {
    const row = this.#db
      .prepare(
        "SELECT COUNT(*) AS pending, COALESCE(SUM(deadline < ?), 0) AS overdue FROM disclosures_in WHERE status = 'queued'",
      )
      .get(now) as { pending: number; overdue: number };
    return { pending: row.pending, overdue: row.overdue };
  }

  /** Requests whose window has ended at `now`: queued past their reference's life, approved past `ends_at`. */
  ended(now: number): InRow[] {
    return this.#db
      .prepare(
        `SELECT * FROM disclosures_in WHERE (status = 'queued' AND ref_expires_at IS NOT NULL AND ref_expires_at <= ?)
         OR (status = 'approved' AND ends_at IS NOT NULL AND ends_at <= ?)`,
      )
      .all(now, now) as InRow[];
  }

  /** Rows stored before requests kept their reference's end (see `DisclosureDesk`'s constructor). */
  withoutReferenceEnd(): InRow[] {
    return this.#db.prepare('SELECT * FROM disclosures_in WHERE ref_expires_at IS NULL').all() as InRow[];
  }

  /** After deletions: the deleted bytes must not linger in the WAL (node.db runs with secure_delete). */
  checkpoint(): void {
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
  }
}

/** The end of a delivery window: the reference's end or the decision plus the retention, the earlier. */
export function windowEnd(
  refEnd: number | null,
  decidedAt: number,
  retentionDays: number | null,
): number | null {
  const retentionEnd = retentionDays === null ? null : decidedAt + retentionDays * DAY_MS;
  if (refEnd === null) return retentionEnd;
  return retentionEnd === null ? refEnd : Math.min(refEnd, retentionEnd);
}

/** The facts of a stored request, for re-running the policy. */
export function factsOf(row: InRow): ReleaseFacts {
  return {
    peer: row.peer,
    requester: row.requester,
    purpose: row.purpose,
    legalBasis: row.legal_basis,
    subjectKind: row.subject_kind ?? '',
    selectors: row.selectors === null ? [] : (JSON.parse(row.selectors) as string[]),
    dataset: row.dataset,
    recordId: row.record_id,
  };
}

/** The columns a permitting decision sets. */
export function decidedBy(d: Decision) {
  return {
    advice: adviceOf(d, d.reasonCode),
    plan: JSON.stringify(d.fields),
    policy_digest: d.policyDigest,
    handling_code: d.duties.handlingCode ?? null,
    retention_days: d.duties.retentionDays ?? null,
  };
}

export function adviceOf(decision: Decision | undefined, reasonCode: string): string {
  return JSON.stringify({
    reasonCode: decision?.reasonCode ?? reasonCode,
    ruleIds: decision?.ruleIds ?? [],
    handlingCode: decision?.duties.handlingCode,
    retentionDays: decision?.duties.retentionDays,
  });
}

/**
 * A request as it arrives, before any decision: refused for want of a policy until the policy says otherwise,
 * with the hit's facts (the reference itself may be deleted before the request ends).
 */
export function newRow(
  claims: DisclosureClaims,
  hit: HitRefEntry,
  requestDigest: string,
  now: number,
  at: { readonly deadline: number; readonly refEnd: number },
): InRow {
  return {
    id: randomUUID(),
    peer: claims.iss,
    ref: claims.ref,
    dataset: hit.dataset,
    record_id: hit.recordId,
    kind: 'unknown',
    purpose: claims.purpose,
    legal_basis: claims.legalBasis,
    case_ref: claims.caseRef,
    justification: claims.justification,
    urgency: claims.urgency,
    requester: claims.requester.id,
    request_jti: claims.jti,
    request_digest: requestDigest,
    status: 'refused',
    reason_code: 'NO_POLICY',
    advice: adviceOf(undefined, 'NO_POLICY'),
    plan: '{}',
    policy_digest: null,
    handling_code: null,
    retention_days: null,
    deadline: at.deadline,
    created_at: now,
    decided_at: now,
    decided_by: 'policy',
    note: null,
    delivered_at: null,
    subject_kind: hit.subjectKind,
    selectors: JSON.stringify(hit.selectors),
    ref_expires_at: at.refEnd,
    released: null,
    token: null,
    token_digest: null,
    deliveries: 0,
    ends_at: null,
  };
}
