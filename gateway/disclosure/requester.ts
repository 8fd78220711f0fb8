import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  compileSchema,
  type DisclosureReply,
  type DisclosureRequest,
  disclosureReplySchema,
  disclosureRequestSchema,
  isErrorCode,
  MosaicError,
  sha256Digest,
} from '../../contracts/index.js';
import { defineRoute, type RouteDef } from '../api/routes.js';
import { decodeCompact } from '../jws/compact.js';
import type { PeerClient } from '../peer/client.js';
import { PeerRefusedError } from '../peer/client.js';
import type { CaseStore } from '../search/cases.js';
import type { User } from '../users/store.js';
import { aboutRequest, type DisclosureAuditPort } from './audit-port.js';

const validateRequest = compileSchema<DisclosureRequest>(disclosureRequestSchema);
const validateReply = compileSchema<DisclosureReply>(disclosureReplySchema);

interface OutRow {
  id: string;
  peer: string;
  ref: string;
  case_ref: string;
  purpose: string;
  created_by: string;
  request_jti: string;
  request_digest: string;
  owner_id: string;
  status: string;
  reply: string;
  created_at: number;
  updated_at: number;
  /** When the released record must be deleted (its retention counted from its arrival); null: no retention. */
  expires_at: number | null;
  /** Once expired: the digest of the deleted signed reply (the record itself is gone). */
  reply_digest?: string | null;
  /**
   * Set when this node knows more than the stored reply says: `DELIVERY_EXPIRED` when the owner answered that
   * the delivery window ended before the record was fetched (status `withdrawn`, no signed reply says so).
   */
  reason_code?: string | null;
}

const DAY_MS = 86_400_000;

export interface DisclosureRequestsDeps {
  readonly db: Database.Database;
  readonly client: PeerClient;
  readonly cases: CaseStore;
  readonly audit: DisclosureAuditPort;
  readonly clock: () => number;
}

/** A record an owner released through step 2, for the hit reference it was asked for. */
export interface DeliveredRecord {
  readonly peer: string;
  readonly ref: string;
  readonly dataset: string;
  readonly kind: string;
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * The requesting side of step 2. An analyst asks the owner of a hit for the record, with a justification and
 * an urgency, only for a reference returned to a search of that case; the owner's signed reply (queued,
 * approved with the record, refused, or withdrawn when its policy no longer releases the record) is verified
 * and kept verbatim, so the requester holds the owner's signed evidence of what was released and under which
 * handling code and retention. A queued request is refreshed from the owner when read.
 */
export class DisclosureRequests {
  readonly #d: DisclosureRequestsDeps;
  readonly #delivered: Database.Statement<[string]>;
  /** Prepared on first use (the search tables are created by the search service); null: no searches here. */
  #inSearches: Database.Statement | null | undefined;
  #sweeping = false;

  constructor(deps: DisclosureRequestsDeps) {
    this.#d = deps;
    deps.db.exec(`CREATE TABLE IF NOT EXISTS disclosures_out (
      id TEXT PRIMARY KEY, peer TEXT NOT NULL, ref TEXT NOT NULL, case_ref TEXT NOT NULL, purpose TEXT NOT NULL,
      created_by TEXT NOT NULL,
      request_jti TEXT NOT NULL, request_digest TEXT NOT NULL, owner_id TEXT NOT NULL, status TEXT NOT NULL,
      reply TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS disclosures_out_case ON disclosures_out (case_ref);`);
    // Columns added with retention; an older node.db gets them here.
    const columns = new Set(
      (deps.db.prepare('PRAGMA table_info(disclosures_out)').all() as { name: string }[]).map((c) => c.name),
    );
    if (!columns.has('expires_at')) {
      deps.db.exec('ALTER TABLE disclosures_out ADD COLUMN expires_at INTEGER');
      // Records released before retention was kept get their expiry now, from when they were stored.
      const approved = deps.db
        .prepare("SELECT id, reply, updated_at FROM disclosures_out WHERE status = 'approved'")
        .all() as { id: string; reply: string; updated_at: number }[];
      const set = deps.db.prepare('UPDATE disclosures_out SET expires_at = ? WHERE id = ?');
      for (const r of approved) {
        const at = expiry(replyOf(r.reply), r.updated_at);
        if (at !== null) set.run(at, r.id);
      }
    }
    if (!columns.has('reply_digest'))
      deps.db.exec('ALTER TABLE disclosures_out ADD COLUMN reply_digest TEXT');
    if (!columns.has('reason_code')) deps.db.exec('ALTER TABLE disclosures_out ADD COLUMN reason_code TEXT');
    this.#delivered = deps.db.prepare(
      "SELECT peer, ref, reply FROM disclosures_out WHERE case_ref = ? AND status = 'approved'",
    );
  }

  /**
   * The records owners released for `caseRef` (approved requests whose signed reply carries the record), for
   * the case graph. The replies were verified when they arrived and are kept verbatim.
   */
  deliveredRecords(caseRef: string): DeliveredRecord[] {
    const rows = this.#delivered.all(caseRef) as { peer: string; ref: string; reply: string }[];
    const out: DeliveredRecord[] = [];
    for (const r of rows) {
      const payload = replyOf(r.reply);
      if (payload.record !== undefined) out.push({ peer: r.peer, ref: r.ref, ...payload.record });
    }
    return out;
  }

  async request(body: unknown, user: User) {
    if (!validateRequest(body))
      throw new MosaicError('MOSAIC_ERR_API_VALIDATION', { issues: validateRequest.issues() });
    if (!this.#d.cases.canWrite(body.caseRef, user)) throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND');
    this.#checkInCase(body);
    const { peer, ...rest } = body;
    const signed = this.#d.client.signRequest(
      peer,
      { ...rest, requester: { id: user.pseudonym, role: 'analyst' as const } },
      'mosaic-disclosure+jws',
    );
    const res = await this.#d.client.postSigned(peer, '/fed/v1/disclosures', signed.token);
    const reply = ownerCoded(() => this.#verify(peer, res, signed.claims.jti, sha256Digest(signed.token)));
    const now = this.#d.clock();
    const row: OutRow = {
      id: randomUUID(),
      peer,
      ref: body.ref,
      case_ref: body.caseRef,
      purpose: body.purpose,
      created_by: user.id,
      request_jti: signed.claims.jti,
      request_digest: sha256Digest(signed.token),
      owner_id: reply.id,
      status: reply.status,
      reply: res.body,
      created_at: now,
      updated_at: now,
      expires_at: expiry(reply, now),
    };
    const cols = Object.keys(row);
    this.#d.db
      .prepare(
        `INSERT INTO disclosures_out (${cols.join(',')}) VALUES (${cols.map((c) => `@${c}`).join(',')})`,
      )
      .run(row);
    await this.#recordReply(row, reply, user.pseudonym, 'requested');
    return this.#view(row, reply);
  }

  /**
   * A reference stays within its case (issue 15, finding 8): it must have been returned by `peer` to a search
   * of this case, and the request must carry that search's purpose. Read from the stored searches (and the
   * answers of one still running), so nothing here depends on the search service's code.
   */
  #checkInCase(body: DisclosureRequest): void {
    const purposes = this.#searchPurposes(body.caseRef, body.peer, body.ref);
    if (purposes.length === 0) {
      throw new MosaicError('MOSAIC_ERR_DISCLOSURE_OUT_OF_CASE', {
        issues: [{ path: '/ref', message: `was not returned by ${body.peer} to a search of this case` }],
      });
    }
    if (!purposes.includes(body.purpose)) {
      throw new MosaicError('MOSAIC_ERR_DISCLOSURE_OUT_OF_CASE', {
        issues: [
          { path: '/purpose', message: 'differs from the purpose of the search that returned the reference' },
        ],
      });
    }
  }

  /** The purposes of this case's searches in which `peer` returned `ref`. */
  #searchPurposes(caseRef: string, peer: string, ref: string): string[] {
    if (this.#inSearches === undefined) {
      const tables = new Set(
        this.#d.db
          .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('searches', 'search_outcomes')",
          )
          .pluck()
          .all() as string[],
      );
      // Finished searches keep every peer's answer in their state; a running one has them in search_outcomes.
      this.#inSearches =
        tables.size < 2
          ? null
          : this.#d.db.prepare(`
            SELECT json_extract(s.state, '$.request.purpose') FROM searches s,
              json_each(s.state, '$.peers') p, json_each(p.value, '$.results') r, json_each(r.value, '$.hits') h
             WHERE s.case_ref = ? AND json_extract(p.value, '$.agency') = ? AND json_extract(h.value, '$.ref') = ?
            UNION
            SELECT json_extract(s.state, '$.request.purpose') FROM search_outcomes o
              JOIN searches s ON s.id = o.search_id, json_each(o.outcome, '$.results') r, json_each(r.value, '$.hits') h
             WHERE s.case_ref = ? AND o.peer = ? AND json_extract(h.value, '$.ref') = ?`);
    }
    if (this.#inSearches === null) return [];
    return this.#inSearches.pluck().all(caseRef, peer, ref, caseRef, peer, ref) as string[];
  }

  #verify(
    peer: string,
    res: { status: number; contentType: string; body: string },
    requestJti: string,
    requestDigest: string,
  ): DisclosureReply {
    if (res.status !== 200) {
      let problem: unknown;
      try {
        problem = JSON.parse(res.body);
      } catch {
        problem = undefined;
      }
      if (problem && typeof problem === 'object' && 'code' in problem) {
        throw new PeerRefusedError(problem as ConstructorParameters<typeof PeerRefusedError>[0]);
      }
      throw new MosaicError('MOSAIC_ERR_PEER_BAD_RESPONSE', { detail: `HTTP ${res.status}` });
    }
    const payload = this.#d.client.verifyFromPeer(peer, res.body, 'mosaic-record+jws');
    if (
      !validateReply(payload) ||
      payload.requestJti !== requestJti ||
      payload.requestDigest !== requestDigest
    ) {
      throw new MosaicError('MOSAIC_ERR_PEER_BAD_RESPONSE', { detail: 'reply does not answer this request' });
    }
    return payload;
  }

  async #recordReply(
    row: OutRow,
    reply: DisclosureReply,
    officer: string,
    step: 'requested' | 'delivered' | 'withdrawn',
  ) {
    await this.#d.audit.record({
      step,
      ...aboutRequest(row, 'requester'),
      officer,
      status: reply.status === 'queued' ? 'pending' : reply.status,
      reasonCode: reply.reasonCode,
      ...(reply.record ? { replyDigest: sha256Digest(row.reply) } : {}),
      now: this.#d.clock(),
    });
  }

  #view(row: OutRow, reply: DisclosureReply) {
    return {
      id: row.id,
      peer: row.peer,
      ref: row.ref,
      caseRef: row.case_ref,
      status: row.status,
      reasonCode: row.reason_code ?? reply.reasonCode,
      deadline: reply.deadline,
      ...(reply.decidedAt ? { decidedAt: reply.decidedAt } : {}),
      ...(reply.note ? { note: reply.note } : {}),
      ...(reply.record ? { record: reply.record } : {}),
      ...(reply.handlingCode ? { handlingCode: reply.handlingCode } : {}),
      ...(reply.retentionDays ? { retentionDays: reply.retentionDays } : {}),
      ...(reply.policyDigest ? { policyDigest: reply.policyDigest } : {}),
      /** The owner's signed reply, kept verbatim: the requester's evidence of what was released. */
      signedReply: row.reply,
    };
  }

  /** A request as the user may see it; a queued one is refreshed from the owner first. */
  async get(id: string, user: User) {
    const row = this.#d.db.prepare('SELECT * FROM disclosures_out WHERE id = ?').get(id) as
      | OutRow
      | undefined;
    if (!row || !this.#d.cases.canRead(row.case_ref, user)) throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND');
    if (row.status === 'expired') return expiredView(row);
    let reply = replyOf(row.reply);
    if (row.status === 'queued' || (row.status === 'approved' && !reply.record)) {
      const hadRecord = reply.record !== undefined;
      const res = await this.#d.client.get(row.peer, `/fed/v1/disclosures/${row.owner_id}`);
      try {
        reply = ownerCoded(() => this.#verify(row.peer, res, row.request_jti, row.request_digest));
      } catch (err) {
        if (!(err instanceof MosaicError) || err.code !== 'MOSAIC_ERR_DISCLOSURE_EXPIRED') throw err;
        // The owner's delivery window ended before the record was fetched: it will never come.
        await this.#ownerExpired(row, user.pseudonym);
        return this.#view(row, reply);
      }
      if (reply.status !== row.status || (reply.record !== undefined && !hadRecord)) {
        row.status = reply.status;
        row.reply = res.body;
        row.updated_at = this.#d.clock();
        row.expires_at = expiry(reply, row.updated_at);
        this.#d.db
          .prepare(
            'UPDATE disclosures_out SET status = ?, reply = ?, updated_at = ?, expires_at = ? WHERE id = ?',
          )
          .run(row.status, row.reply, row.updated_at, row.expires_at, row.id);
        await this.#recordReply(
          row,
          reply,
          user.pseudonym,
          reply.record ? 'delivered' : reply.status === 'withdrawn' ? 'withdrawn' : 'requested',
        );
      }
    }
    return this.#view(row, reply);
  }

  /** Mark a request the owner will no longer deliver (its window ended) as withdrawn, recorded first. */
  async #ownerExpired(row: OutRow, officer: string): Promise<void> {
    await this.#d.audit.record({
      step: 'withdrawn',
      ...aboutRequest(row, 'requester'),
      officer,
      status: 'withdrawn',
      reasonCode: DELIVERY_EXPIRED,
      now: this.#d.clock(),
    });
    row.status = 'withdrawn';
    row.reason_code = DELIVERY_EXPIRED;
    row.updated_at = this.#d.clock();
    this.#d.db
      .prepare('UPDATE disclosures_out SET status = ?, reason_code = ?, updated_at = ? WHERE id = ?')
      .run(row.status, row.reason_code, row.updated_at, row.id);
  }

  list(caseRef: string, user: User) {
    if (!this.#d.cases.canRead(caseRef, user)) throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND');
    const rows = this.#d.db
      .prepare('SELECT * FROM disclosures_out WHERE case_ref = ? ORDER BY created_at')
      .all(caseRef) as OutRow[];
    return rows.map((r) => (r.status === 'expired' ? expiredView(r) : this.#view(r, replyOf(r.reply))));
  }

  /**
   * Delete every released record whose retention has run out (the owner's `retentionDays`, counted from
   * when the record reached this node): the signed reply that carried it is replaced by its digest, the
   * request shows `expired`, and the case graph falls back to the hit's summary. Each deletion is recorded
   * first (`disclosure-expired`, with the digest); one whose audit fails is left for the next sweep. The
   * node runs this at start and every hour. Returns how many records it deleted.
   */
  async purgeExpired(now: number = this.#d.clock()): Promise<number> {
    // One sweep at a time: two would each record the same deletion.
    if (this.#sweeping) return 0;
    this.#sweeping = true;
    try {
      return await this.#purge(now);
    } finally {
      this.#sweeping = false;
    }
  }

  async #purge(now: number): Promise<number> {
    const due = this.#d.db
      .prepare(
        "SELECT * FROM disclosures_out WHERE status = 'approved' AND expires_at IS NOT NULL AND expires_at <= ?",
      )
      .all(now) as OutRow[];
    let deleted = 0;
    for (const row of due) {
      const digest = sha256Digest(row.reply);
      try {
        await this.#d.audit.record({
          step: 'expired',
          ...aboutRequest(row, 'requester'),
          officer: 'system',
          status: 'approved',
          replyDigest: digest,
          now,
        });
      } catch {
        continue;
      }
      const r = this.#d.db
        .prepare(
          "UPDATE disclosures_out SET status = 'expired', reply = '', reply_digest = ?, updated_at = ? WHERE id = ? AND status = 'approved'",
        )
        .run(digest, now, row.id);
      deleted += r.changes;
    }
    // The deleted bytes must not linger in the WAL or in free pages (node.db runs with secure_delete).
    if (deleted > 0) this.#d.db.pragma('wal_checkpoint(TRUNCATE)');
    return deleted;
  }

  apiRoutes(): RouteDef[] {
    return [
      defineRoute({
        method: 'post',
        path: '/disclosures',
        roles: ['analyst'],
        operationId: 'requestDisclosure',
        summary:
          "Ask a hit's owner for the full record (step 2), with justification and urgency; only for a reference that peer returned to a search of this case, under that search's purpose (MOSAIC_ERR_DISCLOSURE_OUT_OF_CASE otherwise).",
        body: disclosureRequestSchema,
        success: { status: 201, description: "The request and the owner's signed first answer." },
        handler: async (req, res) => {
          res.status(201).json(await this.request(req.body ?? {}, req.user!));
        },
      }),
      defineRoute({
        method: 'get',
        path: '/disclosures',
        roles: ['analyst', 'auditor'],
        operationId: 'listDisclosures',
        summary: "A case's disclosure requests.",
        query: { caseRef: { type: 'string' } },
        success: { status: 200, description: 'The requests.' },
        handler: (req, res) => {
          const caseRef = req.query['caseRef'];
          if (typeof caseRef !== 'string') {
            throw new MosaicError('MOSAIC_ERR_API_VALIDATION', {
              issues: [{ path: '/caseRef', message: 'is required' }],
            });
          }
          res.json({ items: this.list(caseRef, req.user!) });
        },
      }),
      defineRoute({
        method: 'get',
        path: '/disclosures/:id',
        roles: ['analyst', 'auditor'],
        operationId: 'getDisclosure',
        summary:
          "A disclosure request: status, and once approved the released record with the owner's handling code; `withdrawn` with the owner's reason when it will not be delivered.",
        success: { status: 200, description: 'The request.' },
        handler: async (req, res) => {
          res.json(await this.get(String(req.params['id']), req.user!));
        },
      }),
    ];
  }
}

/** The owner answered MOSAIC_ERR_DISCLOSURE_EXPIRED: the request ended before its record was delivered. */
const DELIVERY_EXPIRED = 'DELIVERY_EXPIRED';

/**
 * Run `verify`; an owner's coded step-2 refusal (`MOSAIC_ERR_DISCLOSURE_*`: already open, too many open,
 * expired, delivery limit …) reaches the analyst with its own code and status instead of a generic peer error.
 */
function ownerCoded<T>(verify: () => T): T {
  try {
    return verify();
  } catch (err) {
    if (
      err instanceof PeerRefusedError &&
      err.problem.code.startsWith('MOSAIC_ERR_DISCLOSURE_') &&
      isErrorCode(err.problem.code)
    ) {
      throw new MosaicError(err.problem.code, {
        detail: `refused by the owner (${err.problem.status})`,
        issues: err.problem.issues ?? [],
      });
    }
    throw err;
  }
}

/** When a reply's record must be deleted: its retention from `now`, or null (no record, or no retention). */
function expiry(reply: DisclosureReply, now: number): number | null {
  return reply.record !== undefined && reply.retentionDays ? now + reply.retentionDays * DAY_MS : null;
}

/** A request whose released record was deleted at the end of its retention. */
function expiredView(row: OutRow) {
  return {
    id: row.id,
    peer: row.peer,
    ref: row.ref,
    caseRef: row.case_ref,
    status: 'expired' as const,
    expiredAt: new Date(row.updated_at).toISOString(),
    /** SHA-256 of the owner's signed reply that carried the record (the ledger's `disclosure-expired` names it). */
    replyDigest: row.reply_digest ?? null,
  };
}

/** The payload of an owner's signed reply as stored (verified when it arrived). */
function replyOf(token: string): DisclosureReply {
  return decodeCompact(token, 'mosaic-record+jws').payload as unknown as DisclosureReply;
}
