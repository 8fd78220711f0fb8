import { type AuditLedger, parseVerifierKey, verifyReceipt } from '../../audit/index.js';
import {
  type AuditEvent,
  canonicalDigest,
  type DatasetResult,
  type Digest,
  ERRORS,
  isErrorCode,
  type Receipt,
  sha256Digest,
} from '../../contracts/index.js';
import type { DisclosureAuditPort, DisclosureEvent } from '../disclosure/audit-port.js';
import type { AuditPort, ExchangeRecord, RejectionRecord } from '../peer/ports.js';
import { operatorView } from '../responder/policy-decisions.js';
import type { AnswerRecord, OutboundAuditPort, QuerySentRecord } from '../search/outbound-audit.js';
import type { TrustStore } from '../trust/trust-list.js';

/** A node with no policy bundle still decides (deny); its decisions cite this digest instead of a bundle's. */
export const NO_POLICY_DIGEST: Digest = sha256Digest('mosaic:no-policy-bundle');

const JTI = /^[A-Za-z0-9_-]{16,64}$/;
const OFFICER = /^[A-Za-z0-9_-]{4,64}$/;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function hitCount(results: readonly DatasetResult[]): number {
  return results.reduce((n, r) => n + (r.hits?.length ?? r.count ?? (r.exists ? 1 : 0)), 0);
}

function outcomeOf(
  effect: 'permit' | 'deny',
  results: readonly DatasetResult[],
): 'hit' | 'no-hit' | 'denied' {
  if (effect === 'deny') return 'denied';
  return hitCount(results) > 0 ? 'hit' : 'no-hit';
}

/**
 * The ledger behind every audit port of the node. Each inbound exchange becomes `query-received`, one
 * `decision` per dataset (rule ids and policy digest: the operator view) and `response-sent`, appended
 * together (one group commit) before the response is signed; the response carries the receipt of the last.
 * Personal data exchanged (the subject, the released results) goes in the purgeable body, never in the leaf.
 */
export class LedgerAudit implements AuditPort, OutboundAuditPort, DisclosureAuditPort {
  readonly #ledger: AuditLedger;
  readonly #self: string;
  readonly #trust: TrustStore;
  readonly #clock: () => number;

  constructor(ledger: AuditLedger, opts: { self: string; trust: TrustStore; clock: () => number }) {
    this.#ledger = ledger;
    this.#self = opts.self;
    this.#trust = opts.trust;
    this.#clock = opts.clock;
  }

  async recordExchange(x: ExchangeRecord): Promise<Receipt | null> {
    const { claims, peer, queryDigest, now } = x.query;
    const base = {
      time: iso(now),
      officer: claims.requester.id,
      jti: claims.jti,
      peer: peer.agencyId,
      purpose: claims.purpose,
      caseRef: claims.caseRef,
      ...traceIdOf(claims.traceparent),
    };
    const queryEvent: AuditEvent = {
      ...base,
      kind: 'query-received',
      direction: 'inbound',
      queryDigest,
      subjectKind: claims.subject.kind,
      granularity: claims.granularity,
      ...(claims.datasets ? { datasets: claims.datasets } : {}),
    };
    const views = operatorView(x.decision);
    const decisions: AuditEvent[] = (views.length > 0 ? views : [x.decision.overall]).map((d, i) => ({
      ...base,
      kind: 'decision',
      direction: 'inbound',
      ...(x.decision.datasets[i] ? { dataset: x.decision.datasets[i]!.dataset } : {}),
      effect: d.effect,
      reasonCode: d.reasonCode,
      ruleIds: [...d.ruleIds],
      policyDigest: d.policyDigest ?? NO_POLICY_DIGEST,
      granted: d.granted,
      coarsened: d.coarsened,
    }));
    const responseEvent: AuditEvent = {
      ...base,
      kind: 'response-sent',
      direction: 'inbound',
      queryDigest,
      responseJti: x.responseJti,
      outcome: outcomeOf(x.decision.overall.effect, x.results),
      hitCount: hitCount(x.results),
      granted: x.decision.overall.granted,
      releasedDigest: canonicalDigest(x.results),
    };
    // One group commit for the whole exchange; the last append signs a checkpoint covering all of it.
    const appended = await Promise.all([
      this.#ledger.append(queryEvent, { subject: claims.subject }),
      ...decisions.map((e) => this.#ledger.append(e)),
      this.#ledger.append(responseEvent, { results: x.results }, { checkpoint: true }),
    ]);
    const last = appended.at(-1)!;
    return {
      leafIndex: last.leafIndex,
      leafHash: last.leafHash,
      checkpoint: last.checkpoint ?? this.#ledger.receipt(last.leafIndex).checkpoint,
    };
  }

  async recordRejection(r: RejectionRecord): Promise<void> {
    const code = isErrorCode(r.code) ? r.code : 'MOSAIC_ERR_INTERNAL';
    await this.#ledger.append({
      kind: 'rejected',
      direction: 'inbound',
      time: iso(r.now),
      officer: 'system',
      code,
      status: ERRORS[code].status,
      ...(r.peerAgency ? { peer: r.peerAgency } : {}),
      ...(r.jti && JTI.test(r.jti) ? { jti: r.jti } : {}),
    });
  }

  async querySent(r: QuerySentRecord): Promise<void> {
    await this.#ledger.append(
      {
        kind: 'query-sent',
        direction: 'outbound',
        time: iso(r.now),
        officer: r.claims.requester.id,
        jti: r.claims.jti,
        peer: r.peer,
        purpose: r.claims.purpose,
        caseRef: r.claims.caseRef,
        queryDigest: r.queryDigest,
        subjectKind: r.claims.subject.kind,
        granularity: r.claims.granularity,
        ...(r.claims.datasets ? { datasets: r.claims.datasets } : {}),
        ...traceIdOf(r.claims.traceparent),
      },
      { subject: r.claims.subject, searchId: r.searchId },
    );
  }

  async answerReceived(r: AnswerRecord): Promise<void> {
    const base = {
      time: iso(r.now),
      officer: r.claims.requester.id,
      jti: r.claims.jti,
      peer: r.peer,
      purpose: r.claims.purpose,
      caseRef: r.claims.caseRef,
    };
    if (!r.decision || !r.results || !r.responseDigest || !r.responseJti) {
      // No verified answer (timeout, unreachable, refusal): record why, with the query it concerns.
      const code = r.errorCode && isErrorCode(r.errorCode) ? r.errorCode : 'MOSAIC_ERR_INTERNAL';
      await this.#ledger.append({
        ...base,
        kind: 'rejected',
        direction: 'outbound',
        code,
        status: ERRORS[code].status,
      });
      return;
    }
    let receiptVerified = false;
    const logKey = this.#trust.snapshot?.members.get(r.peer)?.logKey;
    const key = logKey ? parseVerifierKey(logKey) : null;
    if (r.receipt && key) receiptVerified = verifyReceipt(r.receipt, key).ok;
    await this.#ledger.append(
      {
        ...base,
        kind: 'response-received',
        direction: 'outbound',
        queryDigest: sha256Digest(r.queryToken ?? ''),
        responseJti: r.responseJti,
        responseDigest: r.responseDigest,
        outcome: r.status === 'denied' ? 'denied' : outcomeOf(r.decision.effect, r.results),
        hitCount: hitCount(r.results),
        granted: r.decision.granted,
        releasedDigest: canonicalDigest(r.results),
        receipt: r.receipt ?? null,
        receiptVerified,
      },
      { results: r.results },
    );
  }

  async record(e: DisclosureEvent): Promise<void> {
    const kind =
      e.step === 'expired'
        ? 'disclosure-expired'
        : e.step === 'withdrawn'
          ? 'disclosure-withdrawn'
          : e.step === 'delivered'
            ? 'disclosure-delivered'
            : e.step === 'decided'
              ? e.status === 'approved'
                ? 'disclosure-approved'
                : 'disclosure-refused'
              : 'disclosure-requested';
    await this.#ledger.append({
      kind,
      direction: e.step === 'expired' ? 'local' : e.side === 'owner' ? 'inbound' : 'outbound',
      time: iso(e.now),
      officer: OFFICER.test(e.officer) ? e.officer : 'system',
      jti: e.requestJti,
      peer: e.peer,
      purpose: e.purpose,
      caseRef: e.caseRef,
      disclosureId: e.disclosureId,
      hitRef: e.hitRef,
      ...(e.reasonCode
        ? { reasonCode: e.reasonCode }
        : kind === 'disclosure-refused' || kind === 'disclosure-withdrawn'
          ? { reasonCode: 'REFUSED' }
          : {}),
      ...(e.ruleIds ? { ruleIds: [...e.ruleIds] } : {}),
      ...(e.replyDigest ? { recordDigest: e.replyDigest as Digest } : {}),
    });
  }

  /** Admin events: who changed the node's trust, policy or keys, and when. */
  async admin(event: AuditEvent): Promise<void> {
    await this.#ledger.append(event);
  }

  get self(): string {
    return this.#self;
  }

  now(): number {
    return this.#clock();
  }
}

function traceIdOf(traceparent: string | undefined): { traceId?: string } {
  const id = traceparent?.split('-')[1];
  return id && !/^0+$/.test(id) ? { traceId: id } : {};
}
