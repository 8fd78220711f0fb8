import { randomBytes, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  type DisclosureClaims,
  type DisclosureReply,
  disclosureClaimsSchema,
  MosaicError,
  sha256Digest,
  type Urgency,
} from '../../contracts/index.js';
import type { Connector } from '../../connectors/index.js';
import {
  type Decision,
  evaluate,
  type FieldPlan,
  type PolicyHolder,
  recordPasses,
  releaseFields,
} from '../../policies/index.js';
import { compileSchema } from '../../contracts/index.js';
import { defineRoute, type RouteDef } from '../api/routes.js';
import { signCompact } from '../jws/compact.js';
import type { SigningKey } from '../keys/jwk.js';
import { type Envelope, type EnvelopeDeps, envelopeSteps } from '../peer/query-pipeline.js';
import type { PeerReply, PeerRoute } from '../peer/server.js';
import type { HitRefStore } from '../responder/hit-refs.js';
import type { QuotaStore } from '../responder/quota-store.js';
import { aboutRequest, type DisclosureAuditPort } from './audit-port.js';

const validateClaims = compileSchema<DisclosureClaims>(disclosureClaimsSchema);

export const DEFAULT_DEADLINE_HOURS: Record<Urgency, number> = { urgent: 4, standard: 48, 'non-urgent': 168 };

interface Row {
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
  status: 'queued' | 'approved' | 'refused';
  reason_code: string;
  advice: string;
  plan: string;
  policy_digest: string | null;
  handling_code: string | null;
  retention_days: number | null;
  deadline: number;
  created_at: number;
  decided_at: number | null;
  decided_by: string | null;
  note: string | null;
  delivered_at: number | null;
}

export interface DisclosureDeskDeps extends EnvelopeDeps {
  readonly db: Database.Database;
  readonly signer: () => SigningKey;
  readonly hitRefs: HitRefStore;
  readonly quotas: QuotaStore;
  readonly policies: PolicyHolder | undefined;
  readonly connector: Connector | undefined;
  readonly audit: DisclosureAuditPort;
  readonly clock: () => number;
  readonly deadlineHours?: Partial<Record<Urgency, number>>;
}

interface DisclosureExchange extends Envelope {
  claims?: DisclosureClaims;
}

/**
 * The owner's side of step 2. A peer asks for the record behind a hit reference it was given; the policy is
 * evaluated again at `record` granularity for that peer, purpose and record: a permit without a duty is
 * approved at once, a permit with `approvalBeforeRecord` waits in the disclosure officers' inbox with a
 * deadline set by urgency, anything else is refused with its reason. What is released is fixed when the
 * request is decided by policy (the field plan is stored), so an officer approves exactly what they saw.
 */
export class DisclosureDesk {
  readonly #d: DisclosureDeskDeps;

  constructor(deps: DisclosureDeskDeps) {
    this.#d = deps;
    deps.db.exec(`CREATE TABLE IF NOT EXISTS disclosures_in (
      id TEXT PRIMARY KEY, peer TEXT NOT NULL, ref TEXT NOT NULL, dataset TEXT NOT NULL, record_id TEXT NOT NULL,
      kind TEXT NOT NULL, purpose TEXT NOT NULL, legal_basis TEXT NOT NULL, case_ref TEXT NOT NULL,
      justification TEXT NOT NULL, urgency TEXT NOT NULL, requester TEXT NOT NULL, request_jti TEXT NOT NULL,
      request_digest TEXT NOT NULL, status TEXT NOT NULL, reason_code TEXT NOT NULL, advice TEXT NOT NULL,
      plan TEXT NOT NULL, policy_digest TEXT, handling_code TEXT, retention_days INTEGER, deadline INTEGER NOT NULL,
      created_at INTEGER NOT NULL, decided_at INTEGER, decided_by TEXT, note TEXT, delivered_at INTEGER);
      CREATE INDEX IF NOT EXISTS disclosures_in_status ON disclosures_in (status, deadline);`);
  }

  #row(id: string): Row | undefined {
    return this.#d.db.prepare('SELECT * FROM disclosures_in WHERE id = ?').get(id) as Row | undefined;
  }

  /** `POST /fed/v1/disclosures` and `GET /fed/v1/disclosures/:id` on the peer listener. */
  peerRoutes(): PeerRoute[] {
    const steps = envelopeSteps<DisclosureExchange>(this.#d, 'mosaic-disclosure+jws');
    return [
      {
        name: 'requestDisclosure',
        method: 'POST',
        pattern: /^\/fed\/v1\/disclosures$/,
        bodyType: 'application/jose',
        handle: async ({ identity, now, body }) => {
          const ex: DisclosureExchange = { now, identity, token: body.trim() };
          for (const step of steps) await step(ex);
          if (!validateClaims(ex.jws!.payload)) {
            throw new MosaicError('MOSAIC_ERR_DISCLOSURE_SCHEMA', { issues: validateClaims.issues() });
          }
          ex.claims = ex.jws!.payload as unknown as DisclosureClaims;
          return this.#receive(ex.claims, sha256Digest(ex.token), now);
        },
      },
      {
        name: 'disclosureStatus',
        method: 'GET',
        pattern: /^\/fed\/v1\/disclosures\/([0-9a-f-]{36})$/,
        handle: async ({ peer, params, now }) => {
          const row = this.#row(params[0]!);
          if (!row || row.peer !== peer.agencyId) throw new MosaicError('MOSAIC_ERR_DISCLOSURE_UNKNOWN_REF');
          return this.#reply(row, now);
        },
      },
    ];
  }

  async #receive(claims: DisclosureClaims, requestDigest: string, now: number): Promise<PeerReply> {
    const hit = this.#d.hitRefs.lookup(claims.ref, claims.iss, now);
    if (!hit) throw new MosaicError('MOSAIC_ERR_DISCLOSURE_UNKNOWN_REF');
    const bundle = this.#d.policies?.current();
    let status: Row['status'] = 'refused';
    let reasonCode = 'NO_POLICY';
    let decision: Decision | undefined;
    let kind = 'unknown';
    if (bundle && this.#d.connector) {
      decision = evaluate(
        bundle.engine,
        {
          peer: claims.iss,
          requester: claims.requester.id,
          purpose: claims.purpose,
          legalBasis: claims.legalBasis,
          subjectKind: hit.subjectKind as never,
          selectors: hit.selectors,
          granularity: 'record',
          dataset: hit.dataset,
        },
        now,
        this.#d.quotas,
      );
      const stored = await this.#d.connector
        .get({ dataset: hit.dataset, id: hit.recordId })
        .catch(() => undefined);
      kind = stored?.record.kind ?? 'unknown';
      reasonCode = decision.reasonCode;
      if (decision.effect === 'permit' && decision.granted === 'record' && stored) {
        if (!recordPasses(decision.recordFilter, stored.record, now)) {
          reasonCode = 'RECORD_WITHHELD';
        } else {
          status = decision.duties.approvalRequired ? 'queued' : 'approved';
          reasonCode = decision.duties.approvalRequired ? 'APPROVAL_REQUIRED' : 'AUTO_APPROVED';
          this.#d.quotas.consume(decision.quota);
        }
      } else if (decision.effect === 'permit') {
        reasonCode = 'RECORD_NOT_RELEASABLE';
      }
    }
    const hours = { ...DEFAULT_DEADLINE_HOURS, ...this.#d.deadlineHours }[claims.urgency];
    const row: Row = {
      id: randomUUID(),
      peer: claims.iss,
      ref: claims.ref,
      dataset: hit.dataset,
      record_id: hit.recordId,
      kind,
      purpose: claims.purpose,
      legal_basis: claims.legalBasis,
      case_ref: claims.caseRef,
      justification: claims.justification,
      urgency: claims.urgency,
      requester: claims.requester.id,
      request_jti: claims.jti,
      request_digest: requestDigest,
      status,
      reason_code: reasonCode,
      advice: JSON.stringify({
        reasonCode: decision?.reasonCode ?? reasonCode,
        ruleIds: decision?.ruleIds ?? [],
        handlingCode: decision?.duties.handlingCode,
        retentionDays: decision?.duties.retentionDays,
      }),
      plan: JSON.stringify(status === 'refused' ? {} : (decision?.fields ?? {})),
      policy_digest: decision?.policyDigest ?? null,
      handling_code: decision?.duties.handlingCode ?? null,
      retention_days: decision?.duties.retentionDays ?? null,
      deadline: now + hours * 3_600_000,
      created_at: now,
      decided_at: status === 'queued' ? null : now,
      decided_by: status === 'queued' ? null : 'policy',
      note: null,
      delivered_at: null,
    };
    // Audit first: the request and the policy's decision are recorded before the answer leaves.
    await this.#d.audit.record({
      step: 'requested',
      ...aboutRequest(row, 'owner'),
      officer: row.requester,
      status: row.status === 'queued' ? 'pending' : row.status,
      reasonCode: row.reason_code,
      ...(decision ? { ruleIds: decision.ruleIds, policyDigest: decision.policyDigest } : {}),
      now,
    });
    const cols = Object.keys(row);
    this.#d.db
      .prepare(
        `INSERT INTO disclosures_in (${cols.join(',')}) VALUES (${cols.map((c) => `@${c}`).join(',')})`,
      )
      .run(row);
    return this.#reply(row, now);
  }

  /** The owner's signed reply; carries the released record when approved, and logs its delivery. */
  async #reply(row: Row, now: number): Promise<PeerReply> {
    const reply: DisclosureReply = {
      iss: this.#d.self,
      aud: row.peer,
      iat: Math.floor(now / 1000),
      jti: randomBytes(16).toString('base64url'),
      id: row.id,
      requestJti: row.request_jti,
      requestDigest: row.request_digest as DisclosureReply['requestDigest'],
      status: row.status,
      reasonCode: row.reason_code,
      deadline: new Date(row.deadline).toISOString(),
      ...(row.decided_at === null ? {} : { decidedAt: new Date(row.decided_at).toISOString() }),
      ...(row.note === null || row.status !== 'refused' ? {} : { note: row.note }),
      ...(row.policy_digest === null
        ? {}
        : { policyDigest: row.policy_digest as DisclosureReply['requestDigest'] }),
      ...(row.handling_code === null ? {} : { handlingCode: row.handling_code }),
      ...(row.retention_days === null ? {} : { retentionDays: row.retention_days }),
    };
    if (row.status === 'approved' && this.#d.connector) {
      const stored = await this.#d.connector.get({ dataset: row.dataset, id: row.record_id });
      reply.record = {
        dataset: row.dataset,
        kind: stored.record.kind,
        fields: { ...releaseFields(JSON.parse(row.plan) as FieldPlan, stored.record) },
      };
    }
    const token = signCompact(reply, this.#d.signer(), 'mosaic-record+jws');
    if (reply.record && row.delivered_at === null) {
      await this.#d.audit.record({
        step: 'delivered',
        ...aboutRequest(row, 'owner'),
        officer: row.decided_by ?? 'policy',
        status: 'approved',
        replyDigest: sha256Digest(token),
        now,
      });
      this.#d.db.prepare('UPDATE disclosures_in SET delivered_at = ? WHERE id = ?').run(now, row.id);
    }
    return { status: 200, contentType: 'application/jose', body: token };
  }

  /** Requests waiting for an officer, and how many of them are past their deadline. */
  backlog(now: number): { pending: number; overdue: number } {
    const row = this.#d.db
      .prepare(
        "SELECT COUNT(*) AS pending, COALESCE(SUM(deadline < ?), 0) AS overdue FROM disclosures_in WHERE status = 'queued'",
      )
      .get(now) as { pending: number; overdue: number };
    return { pending: row.pending, overdue: row.overdue };
  }

  /** The disclosure officers' inbox and their decisions, on the API listener. */
  apiRoutes(): RouteDef[] {
    const decide = async (id: string, officer: string, approve: boolean, note: string | undefined) => {
      const row = this.#row(id);
      if (!row) throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND');
      if (row.status !== 'queued') throw new MosaicError('MOSAIC_ERR_DISCLOSURE_DECIDED');
      const now = this.#d.clock();
      const status = approve ? 'approved' : 'refused';
      const reasonCode = approve ? 'APPROVED_BY_OFFICER' : 'REFUSED_BY_OFFICER';
      await this.#d.audit.record({
        step: 'decided',
        ...aboutRequest(row, 'owner'),
        officer,
        status,
        reasonCode,
        now,
      });
      this.#d.db
        .prepare(
          "UPDATE disclosures_in SET status = ?, reason_code = ?, decided_at = ?, decided_by = ?, note = ? WHERE id = ? AND status = 'queued'",
        )
        .run(status, reasonCode, now, officer, note ?? null, id);
      return this.#inboxItem(this.#row(id)!, now);
    };
    const noteOf = (body: unknown, key: string, required: boolean): string | undefined => {
      const v = (body as Record<string, unknown> | undefined)?.[key];
      if (v === undefined && !required) return undefined;
      if (typeof v !== 'string' || v.length < (required ? 3 : 0) || v.length > 2000) {
        throw new MosaicError('MOSAIC_ERR_API_VALIDATION', {
          issues: [
            { path: `/${key}`, message: required ? 'is required (3–2000 characters)' : 'must be a string' },
          ],
        });
      }
      return v;
    };
    return [
      defineRoute({
        method: 'get',
        path: '/disclosures/inbox',
        roles: ['disclosure-officer'],
        operationId: 'disclosureInbox',
        summary:
          "Peers' requests for full records, soonest deadline first, with the policy's advice; overdue flagged.",
        query: { status: { enum: ['queued', 'approved', 'refused', 'all'] } },
        success: { status: 200, description: 'The inbox.' },
        handler: (req, res) => {
          const status = String(req.query['status'] ?? 'queued');
          const rows = (
            status === 'all'
              ? this.#d.db.prepare('SELECT * FROM disclosures_in ORDER BY deadline').all()
              : this.#d.db
                  .prepare('SELECT * FROM disclosures_in WHERE status = ? ORDER BY deadline')
                  .all(status)
          ) as Row[];
          const now = this.#d.clock();
          res.json({ items: rows.map((r) => this.#inboxItem(r, now)) });
        },
      }),
      defineRoute({
        method: 'post',
        path: '/disclosures/inbox/:id/approve',
        roles: ['disclosure-officer'],
        operationId: 'approveDisclosure',
        summary: 'Approve a queued request; the record is released to the requester on its next fetch.',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { note: { type: 'string', maxLength: 2000 } },
        },
        success: { status: 200, description: 'The decided request.' },
        handler: async (req, res) => {
          res.json(
            await decide(
              String(req.params['id']),
              req.user!.pseudonym,
              true,
              noteOf(req.body, 'note', false),
            ),
          );
        },
      }),
      defineRoute({
        method: 'post',
        path: '/disclosures/inbox/:id/refuse',
        roles: ['disclosure-officer'],
        operationId: 'refuseDisclosure',
        summary: 'Refuse a queued request with a reason the requester will see.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['reason'],
          properties: { reason: { type: 'string', minLength: 3, maxLength: 2000 } },
        },
        success: { status: 200, description: 'The decided request.' },
        handler: async (req, res) => {
          res.json(
            await decide(
              String(req.params['id']),
              req.user!.pseudonym,
              false,
              noteOf(req.body, 'reason', true),
            ),
          );
        },
      }),
    ];
  }

  #inboxItem(r: Row, now: number) {
    return {
      id: r.id,
      peer: r.peer,
      caseRef: r.case_ref,
      purpose: r.purpose,
      legalBasis: r.legal_basis,
      justification: r.justification,
      urgency: r.urgency,
      requester: r.requester,
      dataset: r.dataset,
      kind: r.kind,
      status: r.status,
      reasonCode: r.reason_code,
      advice: JSON.parse(r.advice) as Record<string, unknown>,
      releasedFields: Object.keys(JSON.parse(r.plan) as object),
      deadline: new Date(r.deadline).toISOString(),
      overdue: r.status === 'queued' && r.deadline < now,
      createdAt: new Date(r.created_at).toISOString(),
      ...(r.decided_at === null
        ? {}
        : { decidedAt: new Date(r.decided_at).toISOString(), decidedBy: r.decided_by }),
      ...(r.note === null ? {} : { note: r.note }),
      delivered: r.delivered_at !== null,
    };
  }
}
