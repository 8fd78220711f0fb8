import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  canonicalDigest,
  compileSchema,
  type DisclosureClaims,
  type DisclosureReply,
  disclosureClaimsSchema,
  type DisclosureStatus,
  MosaicError,
  sha256Digest,
  type Urgency,
} from '../../contracts/index.js';
import type { Connector } from '../../connectors/index.js';
import { type Decision, type FieldPlan, type PolicyHolder, releaseFields } from '../../policies/index.js';
import type { RouteDef } from '../api/routes.js';
import { signCompact } from '../jws/compact.js';
import type { SigningKey } from '../keys/jwk.js';
import { type Envelope, type EnvelopeDeps, envelopeSteps } from '../peer/query-pipeline.js';
import type { PeerReply, PeerRoute } from '../peer/server.js';
import type { HitRefStore } from '../responder/hit-refs.js';
import type { QuotaStore } from '../responder/quota-store.js';
import { aboutRequest, type DisclosureAuditPort } from './audit-port.js';
import { inboxItem, inboxRoutes } from './inbox-routes.js';
import {
  adviceOf,
  decidedBy,
  factsOf,
  type InRow,
  IncomingDisclosures,
  MAX_DELIVERIES,
  newRow,
  type OwnerStatus,
  windowEnd,
} from './owner-store.js';
import { checkRelease, NO_QUOTA_USED, sameValues, stillCovers } from './release.js';

export { MAX_DELIVERIES } from './owner-store.js';

const validateClaims = compileSchema<DisclosureClaims>(disclosureClaimsSchema);

export const DEFAULT_DEADLINE_HOURS: Record<Urgency, number> = { urgent: 4, standard: 48, 'non-urgent': 168 };

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
  /** `protocol.maxOpenDisclosuresPerPeer`: requests from one peer that may wait for an officer at once. */
  readonly maxOpenPerPeer?: number;
}

interface DisclosureExchange extends Envelope {
  claims?: DisclosureClaims;
}

/** One request as the officers' inbox shows it. */
export type InboxItem = ReturnType<typeof inboxItem>;

/**
 * The owner's side of step 2. A peer asks for the record behind a hit reference it was given, in the case and
 * under the purpose of the search that produced it; the policy is evaluated at `record` granularity for that
 * peer, purpose, legal basis and record. A permit without a duty is approved at once; a permit with
 * `approvalBeforeRecord` waits in the disclosure officers' inbox with a deadline set by urgency; anything else
 * is refused with its reason.
 *
 * What leaves is frozen at the decision: the record is read through the permission's field plan when the
 * request is decided or queued, the officer sees those exact values, and approval signs one reply carrying
 * them. Every delivery re-checks the current policy and record first (withdrawing the request when the record
 * would now be withheld), hands out the same signed bytes, and is recorded; deliveries are capped and end with
 * the hit reference's life or the record's retention, whichever comes first (docs/protocol.md, step 2).
 */
export class DisclosureDesk {
  readonly #d: DisclosureDeskDeps;
  readonly #store: IncomingDisclosures;
  readonly #maxOpen: number;
  /** (peer, reference) pairs whose request is being decided right now, before its row exists. */
  readonly #arriving = new Set<string>();
  /** Per peer: requests about to be queued, not yet stored. */
  readonly #queuing = new Map<string, number>();
  /** One operation at a time per request (decide, deliver, withdraw, expire): each reads, awaits, then writes. */
  readonly #locks = new Map<string, Promise<unknown>>();
  #sweeping = false;

  constructor(deps: DisclosureDeskDeps) {
    this.#d = deps;
    this.#maxOpen = deps.maxOpenPerPeer ?? 50;
    this.#store = new IncomingDisclosures(deps.db);
    // Requests stored before they kept their reference's facts: take them from the reference while it exists;
    // one whose reference is gone has outlived it (end 0), so it can be neither approved nor delivered.
    for (const r of this.#store.withoutReferenceEnd()) {
      const hit = deps.hitRefs.entryOf(r.ref, r.peer);
      const refEnd = hit ? deps.hitRefs.endOf(hit) : 0;
      this.#store.update(r.id, {
        ref_expires_at: refEnd,
        subject_kind: hit?.subjectKind ?? null,
        selectors: hit ? JSON.stringify(hit.selectors) : null,
        ...(r.status === 'approved' && r.decided_at !== null
          ? { ends_at: windowEnd(refEnd, r.decided_at, r.retention_days) }
          : {}),
      });
    }
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
          const row = this.#store.get(params[0]!);
          if (!row || row.peer !== peer.agencyId) throw new MosaicError('MOSAIC_ERR_DISCLOSURE_UNKNOWN_REF');
          return row.status === 'approved' ? this.#deliver(row.id, now, true) : this.#answer(row, now);
        },
      },
    ];
  }

  async #receive(claims: DisclosureClaims, requestDigest: string, now: number): Promise<PeerReply> {
    const hit = this.#d.hitRefs.lookup(claims.ref, claims.iss, now);
    if (!hit) throw new MosaicError('MOSAIC_ERR_DISCLOSURE_UNKNOWN_REF');
    const hours = { ...DEFAULT_DEADLINE_HOURS, ...this.#d.deadlineHours }[claims.urgency];
    const row = newRow(claims, hit, requestDigest, now, {
      deadline: now + hours * 3_600_000,
      refEnd: this.#d.hitRefs.endOf(hit),
    });
    // A reference serves the case and purpose of the search it answered, nothing else (issue 15, finding 8).
    const mismatch =
      claims.caseRef !== hit.caseRef
        ? 'CASE_MISMATCH'
        : claims.purpose !== hit.purpose
          ? 'PURPOSE_MISMATCH'
          : undefined;
    if (mismatch !== undefined) {
      Object.assign(row, { reason_code: mismatch, advice: adviceOf(undefined, mismatch) });
      await this.#recordRequested(row, undefined, now);
      this.#store.insert(row);
      return this.#answer(row, now);
    }
    // One open request per (agency, reference); the check and the reservation are synchronous, so two
    // requests arriving together cannot both pass.
    const key = `${row.peer}\u0000${row.ref}`;
    const open = this.#store.openFor(row.peer, row.ref, MAX_DELIVERIES, now);
    if (open !== undefined || this.#arriving.has(key)) {
      throw new MosaicError('MOSAIC_ERR_DISCLOSURE_ALREADY_OPEN', {
        issues: [
          { path: '/ref', message: open ? `request ${open} is still open` : 'a request is being decided' },
        ],
      });
    }
    this.#arriving.add(key);
    let queuing = false;
    try {
      const check = await checkRelease(
        this.#d.policies,
        this.#d.connector,
        factsOf(row),
        now,
        this.#d.quotas,
      );
      if (check.ok) {
        const d = check.decision;
        if (d.duties.approvalRequired) {
          const waiting = this.#store.queuedCount(row.peer) + (this.#queuing.get(row.peer) ?? 0);
          if (waiting >= this.#maxOpen) throw new MosaicError('MOSAIC_ERR_DISCLOSURE_TOO_MANY_OPEN');
          this.#queuing.set(row.peer, (this.#queuing.get(row.peer) ?? 0) + 1);
          queuing = true;
        }
        Object.assign(row, decidedBy(d), {
          kind: check.kind,
          released: JSON.stringify(check.values),
        });
        if (d.duties.approvalRequired) {
          Object.assign(row, {
            status: 'queued',
            reason_code: 'APPROVAL_REQUIRED',
            decided_at: null,
            decided_by: null,
          });
        } else {
          Object.assign(row, { status: 'approved', reason_code: 'AUTO_APPROVED' });
          this.#freeze(row, check.values, now);
        }
      } else {
        Object.assign(row, {
          reason_code: check.reasonCode,
          kind: check.kind ?? 'unknown',
          advice: adviceOf(check.decision, check.reasonCode),
          policy_digest: check.decision?.policyDigest ?? null,
        });
      }
      // Audit first: the request and the policy's decision are recorded before the answer leaves.
      await this.#recordRequested(row, check.decision, now);
      if (check.ok) this.#d.quotas.consume(check.decision.quota);
      this.#store.insert(row);
    } finally {
      this.#arriving.delete(key);
      if (queuing) this.#queuing.set(row.peer, (this.#queuing.get(row.peer) ?? 1) - 1);
    }
    return row.status === 'approved' ? this.#deliver(row.id, now, false) : this.#answer(row, now);
  }

  #recordRequested(row: InRow, decision: Decision | undefined, now: number): Promise<void> {
    return this.#d.audit.record({
      step: 'requested',
      ...aboutRequest(row, 'owner'),
      officer: row.requester,
      status: row.status === 'queued' ? 'pending' : (row.status as DisclosureStatus),
      reasonCode: row.reason_code,
      ...(decision ? { ruleIds: decision.ruleIds, policyDigest: decision.policyDigest } : {}),
      now,
    });
  }

  /**
   * Sign, once, the reply that carries the record (status approved, the decision's time) and fix the end of
   * its delivery window. Sets `token`, `token_digest`, `released` and `ends_at` on `row`; the caller stores it.
   */
  #freeze(row: InRow, values: Record<string, string>, decidedAt: number): void {
    const reply: DisclosureReply = {
      ...this.#envelope(row, decidedAt),
      status: 'approved',
      record: { dataset: row.dataset, kind: row.kind, fields: values },
    };
    const token = signCompact(reply, this.#d.signer(), 'mosaic-record+jws');
    Object.assign(row, {
      released: JSON.stringify(values),
      token,
      token_digest: sha256Digest(token),
      ends_at: windowEnd(row.ref_expires_at, decidedAt, row.retention_days),
    });
  }

  /** The fields of every reply about `row`, without status or record. */
  #envelope(row: InRow, now: number): Omit<DisclosureReply, 'status'> {
    return {
      iss: this.#d.self,
      aud: row.peer,
      iat: Math.floor(now / 1000),
      jti: randomBytes(16).toString('base64url'),
      id: row.id,
      requestJti: row.request_jti,
      requestDigest: row.request_digest as DisclosureReply['requestDigest'],
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
  }

  /** A signed reply without a record (queued, refused, withdrawn), signed for this answer. */
  #answer(row: InRow, now: number): PeerReply {
    if (row.status === 'expired') throw new MosaicError('MOSAIC_ERR_DISCLOSURE_EXPIRED');
    if (row.status === 'approved') throw new TypeError('an approved request is delivered (#deliver)');
    const reply: DisclosureReply = { ...this.#envelope(row, now), status: row.status };
    return jose(signCompact(reply, this.#d.signer(), 'mosaic-record+jws'));
  }

  /**
   * Hand out an approved request's record: within its window and the delivery cap, after re-checking the
   * current policy and record (`recheck`; false only right after the decision that froze it). Records the
   * delivery before the reply leaves; every delivery hands out the same signed bytes.
   */
  #deliver(id: string, now: number, recheck: boolean): Promise<PeerReply> {
    return this.#serial(id, async () => {
      const row = this.#store.get(id)!;
      if (row.status !== 'approved') return this.#answer(row, now);
      if (row.ends_at !== null && now >= row.ends_at) {
        await this.#expire(row, now);
        throw new MosaicError('MOSAIC_ERR_DISCLOSURE_EXPIRED');
      }
      if (row.deliveries >= MAX_DELIVERIES) throw new MosaicError('MOSAIC_ERR_DISCLOSURE_DELIVERY_LIMIT');
      if (recheck || row.token === null) {
        const check = await checkRelease(
          this.#d.policies,
          this.#d.connector,
          factsOf(row),
          now,
          NO_QUOTA_USED,
        );
        const approved = JSON.parse(row.plan) as FieldPlan;
        // Approved before values were frozen: freeze now, from the record as it is, through the approved plan.
        const frozen =
          row.released !== null
            ? (JSON.parse(row.released) as Record<string, string>)
            : check.ok
              ? { ...releaseFields(approved, check.record) }
              : {};
        const withheld = !check.ok
          ? check.reasonCode
          : !stillCovers(approved, check.decision.fields, frozen)
            ? 'RELEASE_NARROWED'
            : undefined;
        if (withheld !== undefined) {
          await this.#withdraw(row, withheld, now);
          return this.#answer(row, now);
        }
        if (row.token === null && check.ok) {
          if (row.kind === 'unknown') row.kind = check.kind;
          this.#freeze(row, frozen, row.decided_at ?? now);
          this.#store.update(row.id, {
            kind: row.kind,
            released: row.released,
            token: row.token,
            token_digest: row.token_digest,
            ends_at: row.ends_at,
          });
          if (row.ends_at !== null && now >= row.ends_at) {
            await this.#expire(row, now);
            throw new MosaicError('MOSAIC_ERR_DISCLOSURE_EXPIRED');
          }
        }
      }
      const token = row.token!;
      await this.#d.audit.record({
        step: 'delivered',
        ...aboutRequest(row, 'owner'),
        officer: row.decided_by ?? 'policy',
        status: 'approved',
        replyDigest: row.token_digest ?? sha256Digest(token),
        now,
      });
      this.#store.update(row.id, {
        deliveries: row.deliveries + 1,
        delivered_at: row.delivered_at ?? now,
      });
      return jose(token);
    });
  }

  /** An approved request the policy would no longer release: no more deliveries, the frozen record deleted. */
  async #withdraw(row: InRow, reasonCode: string, now: number): Promise<void> {
    await this.#d.audit.record({
      step: 'withdrawn',
      ...aboutRequest(row, 'owner'),
      officer: 'policy',
      status: 'withdrawn',
      reasonCode,
      now,
    });
    this.#set(row, { status: 'withdrawn', reason_code: reasonCode, released: null, token: null });
  }

  /** The delivery window of an approved request has ended: its frozen record is deleted, recorded first. */
  async #expire(row: InRow, now: number): Promise<void> {
    await this.#d.audit.record({
      step: 'expired',
      ...aboutRequest(row, 'owner'),
      officer: 'system',
      status: 'approved',
      ...(row.token_digest === null ? {} : { replyDigest: row.token_digest }),
      now,
    });
    this.#set(row, { status: 'expired', released: null, token: null });
  }

  /** A queued request whose hit reference has run out: it can no longer be approved. */
  async #lapse(row: InRow, now: number): Promise<void> {
    await this.#d.audit.record({
      step: 'decided',
      ...aboutRequest(row, 'owner'),
      officer: 'system',
      status: 'refused',
      reasonCode: 'REFERENCE_EXPIRED',
      now,
    });
    this.#set(row, {
      status: 'refused',
      reason_code: 'REFERENCE_EXPIRED',
      decided_at: now,
      decided_by: 'system',
      released: null,
    });
  }

  #set(row: InRow, patch: Partial<InRow>): void {
    this.#store.update(row.id, patch);
    Object.assign(row, patch);
  }

  /** Run `fn` after every earlier operation on request `id` has settled. */
  async #serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.#locks.get(id) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => undefined);
    this.#locks.set(id, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(id) === tail) this.#locks.delete(id);
    }
  }

  /**
   * An officer approves a queued request. The record is read again and the policy re-run: a record the policy
   * now withholds ends the request refused (MOSAIC_ERR_DISCLOSURE_WITHHELD); values that differ from those
   * stored and shown (or from `releaseDigest`, the digest of the values the officer saw) are stored and the
   * approval refused (MOSAIC_ERR_DISCLOSURE_RECORD_CHANGED), so the officer decides on what will leave.
   */
  approve(id: string, officer: string, note: string | undefined, releaseDigest?: string): Promise<InboxItem> {
    return this.#serial(id, async () => {
      const row = this.#queued(id);
      const now = this.#d.clock();
      if (row.ref_expires_at !== null && now >= row.ref_expires_at) {
        await this.#lapse(row, now);
        throw new MosaicError('MOSAIC_ERR_DISCLOSURE_EXPIRED');
      }
      const check = await checkRelease(this.#d.policies, this.#d.connector, factsOf(row), now, NO_QUOTA_USED);
      if (!check.ok) {
        await this.#d.audit.record({
          step: 'decided',
          ...aboutRequest(row, 'owner'),
          officer: 'policy',
          status: 'refused',
          reasonCode: check.reasonCode,
          now,
        });
        this.#set(row, {
          status: 'refused',
          reason_code: check.reasonCode,
          decided_at: now,
          decided_by: 'policy',
          released: null,
        });
        throw new MosaicError('MOSAIC_ERR_DISCLOSURE_WITHHELD');
      }
      const terms = {
        kind: check.kind,
        released: JSON.stringify(check.values),
        ...decidedBy(check.decision),
      };
      const shown = row.released === null ? undefined : (JSON.parse(row.released) as Record<string, string>);
      const changed =
        shown === undefined ||
        !sameValues(shown, check.values) ||
        terms.handling_code !== row.handling_code ||
        terms.retention_days !== row.retention_days ||
        (releaseDigest !== undefined && releaseDigest !== canonicalDigest(shown));
      if (changed) {
        this.#set(row, terms);
        throw new MosaicError('MOSAIC_ERR_DISCLOSURE_RECORD_CHANGED');
      }
      const decided: InRow = {
        ...row,
        ...terms,
        status: 'approved',
        reason_code: 'APPROVED_BY_OFFICER',
        decided_at: now,
        decided_by: officer,
        note: note ?? null,
      };
      this.#freeze(decided, check.values, now);
      await this.#d.audit.record({
        step: 'decided',
        ...aboutRequest(row, 'owner'),
        officer,
        status: 'approved',
        reasonCode: 'APPROVED_BY_OFFICER',
        replyDigest: decided.token_digest!,
        now,
      });
      const { id: _id, ...patch } = decided;
      this.#store.update(id, patch, 'queued');
      return inboxItem(decided, now);
    });
  }

  /** An officer refuses a queued request with a reason the requester sees. */
  refuse(id: string, officer: string, reason: string): Promise<InboxItem> {
    return this.#serial(id, async () => {
      const row = this.#queued(id);
      const now = this.#d.clock();
      await this.#d.audit.record({
        step: 'decided',
        ...aboutRequest(row, 'owner'),
        officer,
        status: 'refused',
        reasonCode: 'REFUSED_BY_OFFICER',
        now,
      });
      this.#set(row, {
        status: 'refused',
        reason_code: 'REFUSED_BY_OFFICER',
        decided_at: now,
        decided_by: officer,
        note: reason,
        released: null,
      });
      return inboxItem(row, now);
    });
  }

  #queued(id: string): InRow {
    const row = this.#store.get(id);
    if (!row) throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND');
    if (row.status !== 'queued') throw new MosaicError('MOSAIC_ERR_DISCLOSURE_DECIDED');
    return row;
  }

  /**
   * End what has run out at `now`: queued requests whose hit reference has expired are refused
   * (`REFERENCE_EXPIRED`); approved ones past their delivery window become `expired` and their frozen record
   * is deleted, each recorded first (one whose audit fails is left for the next sweep). The node runs this at
   * start and every hour. Returns how many requests it ended.
   */
  async sweep(now: number = this.#d.clock()): Promise<number> {
    if (this.#sweeping) return 0;
    this.#sweeping = true;
    try {
      let ended = 0;
      for (const due of this.#store.ended(now)) {
        ended += await this.#serial(due.id, async () => {
          const row = this.#store.get(due.id)!;
          if (row.status === 'queued' && row.ref_expires_at !== null && row.ref_expires_at <= now) {
            await this.#lapse(row, now);
            return 1;
          }
          if (row.status === 'approved' && row.ends_at !== null && row.ends_at <= now) {
            await this.#expire(row, now);
            return 1;
          }
          return 0;
        }).catch(() => 0);
      }
      if (ended > 0) this.#store.checkpoint();
      return ended;
    } finally {
      this.#sweeping = false;
    }
  }

  /** Requests waiting for an officer, and how many of them are past their deadline. */
  backlog(now: number): { pending: number; overdue: number } {
    return this.#store.backlog(now);
  }

  /** The inbox, soonest deadline first. */
  inbox(status: OwnerStatus | 'all'): InboxItem[] {
    const now = this.#d.clock();
    return this.#store.list(status).map((r) => inboxItem(r, now));
  }

  /** The disclosure officers' inbox and their decisions, on the API listener. */
  apiRoutes(): RouteDef[] {
    return inboxRoutes(this);
  }
}

function jose(token: string): PeerReply {
  return { status: 200, contentType: 'application/jose', body: token };
}
