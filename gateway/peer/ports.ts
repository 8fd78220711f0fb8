import type {
  DatasetResult,
  DecisionSummary,
  Digest,
  QueryClaims,
  Receipt,
  ResponseClaims,
} from '../../contracts/index.js';
import type { Member } from '../trust/trust-list.js';

/**
 * The ports through which the peer pipeline reaches policy, matching and audit. The pipeline knows nothing of
 * how they are implemented; the node wires the policy engine, the data connector and the ledger into them.
 */

/** What the pipeline established before the decision step: a verified, fresh, unique, schema-valid query. */
export interface VerifiedQuery {
  readonly claims: QueryClaims;
  readonly peer: Member;
  /** SHA-256 of the exact compact JWS received. */
  readonly queryDigest: Digest;
  readonly token: string;
  /** Epoch milliseconds, read once when the request arrived. */
  readonly now: number;
}

export interface DatasetDecision<Grant = unknown> {
  readonly dataset: string;
  readonly decision: DecisionSummary;
  /** The policy's release plan for this dataset, handed to the match port untouched. */
  readonly grant?: Grant;
}

export interface QueryDecision<Grant = unknown> {
  readonly overall: DecisionSummary;
  readonly datasets: readonly DatasetDecision<Grant>[];
}

export interface DecisionPort<Grant = unknown> {
  decide(query: VerifiedQuery): QueryDecision<Grant> | Promise<QueryDecision<Grant>>;
}

export interface MatchPort<Grant = unknown> {
  match(query: VerifiedQuery, decision: QueryDecision<Grant>): DatasetResult[] | Promise<DatasetResult[]>;
}

/** Told of every decided and matched query before it is recorded, e.g. to watch a peer's pattern. */
export interface QueryObserver {
  /** Synchronous and cheap; must not throw. */
  observe(query: VerifiedQuery, results: readonly DatasetResult[]): void;
}

/** What the responder is about to release, given to the audit port before anything leaves the node. */
export interface ExchangeRecord {
  readonly query: VerifiedQuery;
  readonly decision: QueryDecision;
  readonly results: readonly DatasetResult[];
  /** The `jti` the signed response will carry, chosen before the response exists so the ledger can name it. */
  readonly responseJti: string;
}

/** Why a query was rejected before a decision, for the audit trail of refusals. */
export interface RejectionRecord {
  readonly code: string;
  readonly now: number;
  readonly peerAgency: string | undefined;
  readonly jti: string | undefined;
}

export interface AuditPort {
  /** Durably record the exchange; resolve with the receipt to return. Rejecting aborts the release. */
  recordExchange(exchange: ExchangeRecord): Promise<Receipt | null>;
  recordRejection(rejection: RejectionRecord): Promise<void>;
  /** Called after the signed response is built, e.g. to log its digest. Must not throw. */
  responseSigned?(exchange: ExchangeRecord, response: ResponseClaims): void;
}

const NO_POLICY: DecisionSummary = {
  effect: 'deny',
  reasonCode: 'NO_POLICY',
  ruleIds: [],
  granted: null,
  coarsened: false,
};

/** Deny by default (DESIGN principle 2): a node without a policy releases nothing. */
export const denyAllDecisions: DecisionPort<never> = {
  decide: () => ({ overall: NO_POLICY, datasets: [] }),
};

/** Permit the asked granularity on every named dataset. For benchmarks of the envelope alone, never for data. */
export const permitEnvelopeOnly: DecisionPort<never> = {
  decide: (q) => {
    const decision: DecisionSummary = {
      effect: 'permit',
      reasonCode: 'PERMITTED',
      ruleIds: ['envelope-only'],
      granted: q.claims.granularity,
      coarsened: false,
    };
    return {
      overall: decision,
      datasets: (q.claims.datasets ?? []).map((dataset) => ({ dataset, decision })),
    };
  },
};

/** A node with no data connector: every permitted dataset answers with no hit. */
export const noData: MatchPort = {
  match: (_q, decision) =>
    decision.datasets.map((d) => ({
      dataset: d.dataset,
      decision: d.decision,
      ...(d.decision.effect === 'permit' ? { exists: false } : {}),
    })),
};

/** No ledger wired: no receipt. The audit issue replaces this with the tamper-evident ledger. */
export const noAudit: AuditPort = {
  recordExchange: async () => null,
  recordRejection: async () => {},
};
