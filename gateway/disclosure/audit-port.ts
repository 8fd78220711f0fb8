import type { DisclosureStatus } from '../../contracts/index.js';

/** One step of a disclosure, on either side, for the audit ledger. No record content is ever included. */
export interface DisclosureEvent {
  /**
   * `withdrawn`: an approved request the owner will no longer deliver (its policy now withholds the record).
   * `expired`: a released record was deleted (direction local): by the requester at the end of its retention,
   * by the owner (its frozen copy) at the end of the delivery window.
   */
  readonly step: 'requested' | 'decided' | 'delivered' | 'withdrawn' | 'expired';
  readonly side: 'owner' | 'requester';
  /** The other agency. */
  readonly peer: string;
  readonly disclosureId: string;
  /** The hit reference the record was asked for. */
  readonly hitRef: string;
  readonly requestJti: string;
  readonly caseRef: string;
  readonly purpose: string;
  /** Pseudonymous officer: the requesting analyst, or the deciding disclosure officer. */
  readonly officer: string;
  readonly status: DisclosureStatus | 'pending';
  readonly reasonCode?: string;
  readonly ruleIds?: readonly string[];
  readonly policyDigest?: string;
  /** SHA-256 of the signed reply carrying the record, on delivery: proof of what was released. */
  readonly replyDigest?: string;
  readonly now: number;
}

/** Awaited before a reply leaves (owner) or after a signed reply arrives (requester). */
export interface DisclosureAuditPort {
  record(event: DisclosureEvent): Promise<void>;
}

export const noDisclosureAudit: DisclosureAuditPort = { record: async () => {} };

/** The columns both sides keep for a disclosure request, as their stores name them. */
export interface DisclosureRow {
  readonly id: string;
  readonly peer: string;
  readonly ref: string;
  readonly request_jti: string;
  readonly case_ref: string;
  readonly purpose: string;
}

/** What every ledger event of a request says about it, on either side. */
export function aboutRequest(row: DisclosureRow, side: DisclosureEvent['side']) {
  return {
    side,
    peer: row.peer,
    disclosureId: row.id,
    hitRef: row.ref,
    requestJti: row.request_jti,
    caseRef: row.case_ref,
    purpose: row.purpose,
  };
}
