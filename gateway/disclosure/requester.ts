import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  compileSchema,
  type DisclosureReply,
  type DisclosureRequest,
  disclosureReplySchema,
  disclosureRequestSchema,
  MosaicError,
  sha256Digest,
} from '../../contracts/index.js';
import { defineRoute, type RouteDef } from '../api/routes.js';
import { decodeCompact } from '../jws/compact.js';
import type { PeerClient } from '../peer/client.js';
import { PeerRefusedError } from '../peer/client.js';
import type { CaseStore } from '../search/cases.js';
import type { User } from '../users/store.js';
import type { DisclosureAuditPort } from './audit-port.js';

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
}

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
 * an urgency; the owner's signed reply (queued, approved with the record, or refused) is verified and kept
 * verbatim, so the requester holds the owner's signed evidence of what was released and under which handling
 * code and retention. A queued request is refreshed from the owner when read.
 */
export class DisclosureRequests {
  readonly #d: DisclosureRequestsDeps;
  readonly #delivered: Database.Statement<[string]>;

  constructor(deps: DisclosureRequestsDeps) {
    this.#d = deps;
    deps.db.exec(`CREATE TABLE IF NOT EXISTS disclosures_out (
      id TEXT PRIMARY KEY, peer TEXT NOT NULL, ref TEXT NOT NULL, case_ref TEXT NOT NULL, purpose TEXT NOT NULL,
      created_by TEXT NOT NULL,
      request_jti TEXT NOT NULL, request_digest TEXT NOT NULL, owner_id TEXT NOT NULL, status TEXT NOT NULL,
      reply TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS disclosures_out_case ON disclosures_out (case_ref);`);
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
      const payload = decodeCompact(r.reply, 'mosaic-record+jws').payload as unknown as DisclosureReply;
      if (payload.record !== undefined) out.push({ peer: r.peer, ref: r.ref, ...payload.record });
    }
    return out;
  }

  async request(body: unknown, user: User) {
    if (!validateRequest(body))
      throw new MosaicError('MOSAIC_ERR_API_VALIDATION', { issues: validateRequest.issues() });
    if (!this.#d.cases.canWrite(body.caseRef, user)) throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND');
    const { peer, ...rest } = body;
    const signed = this.#d.client.signRequest(
      peer,
      { ...rest, requester: { id: user.pseudonym, role: 'analyst' as const } },
      'mosaic-disclosure+jws',
    );
    const res = await this.#d.client.postSigned(peer, '/fed/v1/disclosures', signed.token);
    const reply = this.#verify(peer, res, signed.claims.jti, sha256Digest(signed.token));
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

  async #recordReply(row: OutRow, reply: DisclosureReply, officer: string, step: 'requested' | 'delivered') {
    await this.#d.audit.record({
      step,
      side: 'requester',
      peer: row.peer,
      disclosureId: row.id,
      hitRef: row.ref,
      requestJti: row.request_jti,
      caseRef: row.case_ref,
      purpose: row.purpose,
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
      status: reply.status,
      reasonCode: reply.reasonCode,
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
    let reply = JSON.parse(Buffer.from(row.reply.split('.')[1]!, 'base64url').toString()) as DisclosureReply;
    if (row.status === 'queued' || (row.status === 'approved' && !reply.record)) {
      const hadRecord = reply.record !== undefined;
      const res = await this.#d.client.get(row.peer, `/fed/v1/disclosures/${row.owner_id}`);
      reply = this.#verify(row.peer, res, row.request_jti, row.request_digest);
      if (reply.status !== row.status || (reply.record !== undefined && !hadRecord)) {
        row.status = reply.status;
        row.reply = res.body;
        row.updated_at = this.#d.clock();
        this.#d.db
          .prepare('UPDATE disclosures_out SET status = ?, reply = ?, updated_at = ? WHERE id = ?')
          .run(row.status, row.reply, row.updated_at, row.id);
        await this.#recordReply(row, reply, user.pseudonym, reply.record ? 'delivered' : 'requested');
      }
    }
    return this.#view(row, reply);
  }

  list(caseRef: string, user: User) {
    if (!this.#d.cases.canRead(caseRef, user)) throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND');
    const rows = this.#d.db
      .prepare('SELECT * FROM disclosures_out WHERE case_ref = ? ORDER BY created_at')
      .all(caseRef) as OutRow[];
    return rows.map((r) =>
      this.#view(
        r,
        JSON.parse(Buffer.from(r.reply.split('.')[1]!, 'base64url').toString()) as DisclosureReply,
      ),
    );
  }

  apiRoutes(): RouteDef[] {
    return [
      defineRoute({
        method: 'post',
        path: '/disclosures',
        roles: ['analyst'],
        operationId: 'requestDisclosure',
        summary: "Ask a hit's owner for the full record (step 2), with justification and urgency.",
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
          "A disclosure request: status, and once approved the released record with the owner's handling code.",
        success: { status: 200, description: 'The request.' },
        handler: async (req, res) => {
          res.json(await this.get(String(req.params['id']), req.user!));
        },
      }),
    ];
  }
}
