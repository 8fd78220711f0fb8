import type { DatasetResult, DecisionSummary, Digest, QueryClaims, Receipt } from '../../contracts/index.js';

/** What the requesting side records about each query it sends and what came back. */
export interface QuerySentRecord {
  readonly searchId: string;
  readonly peer: string;
  readonly claims: QueryClaims;
  readonly queryDigest: Digest;
  readonly now: number;
}

export interface AnswerRecord {
  readonly searchId: string;
  readonly peer: string;
  readonly claims: QueryClaims;
  readonly status: PeerStatusName;
  readonly now: number;
  readonly errorCode?: string;
  readonly decision?: DecisionSummary;
  readonly results?: readonly DatasetResult[];
  /** The responder's signed receipt, kept so this side holds the other's evidence. */
  readonly receipt?: Receipt | null;
  readonly responseDigest?: Digest;
  readonly responseJti?: string;
  /** The exact query token, whose digest the response must name. */
  readonly queryToken?: string;
}

/** `interrupted`: the node stopped before the peer answered (reported at the next start). */
export type PeerStatusName =
  | 'pending'
  | 'hit'
  | 'no-hit'
  | 'denied'
  | 'timeout'
  | 'unreachable'
  | 'error'
  | 'interrupted';

/**
 * The requester's half of audit-first: `querySent` is awaited before the query leaves the node; if it
 * rejects, the query is not sent and the peer is reported as `error`.
 */
export interface OutboundAuditPort {
  querySent(record: QuerySentRecord): Promise<void>;
  answerReceived(record: AnswerRecord): Promise<void>;
}

export const noOutboundAudit: OutboundAuditPort = {
  querySent: async () => {},
  answerReceived: async () => {},
};
