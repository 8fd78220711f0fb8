import type { Granularity } from '../../contracts/index.js';
import type { DeliveredRecord } from '../disclosure/requester.js';
import type { FieldEvidence } from '../../matching/index.js';
import type { IdentifierKind, IdentifierLink } from './identifiers.js';

/** Where a hit came from: which agency answered which search, at what granularity, with what score. */
export interface Provenance {
  readonly agency: string;
  readonly dataset: string;
  readonly searchId: string;
  readonly searchedAt: string;
  readonly granted: Granularity | null;
  /** The owner's opaque reference, for a step-2 disclosure request. */
  readonly ref: string;
  readonly score: number;
  readonly band: string;
}

/**
 * A record the owner released through step 2 (an approved disclosure), for the hit it was asked for: the
 * case graph shows its fields in place of the hit's summary, so the phone, address or account it holds join
 * the network. The owner's signed reply was verified when it arrived.
 */
export type DisclosedRecord = DeliveredRecord;

/** One hit of one search: never merged with another hit, even of the same record. */
export interface HitNode {
  readonly id: string;
  readonly type: 'hit';
  /** The record's kind as the owner reported it (person, organisation, phone …), `unknown` if absent. */
  readonly kind: string;
  readonly label: string;
  readonly provenance: Provenance;
  /** What the owner's policy released, as released (possibly masked). */
  readonly fields: Readonly<Record<string, string>>;
  readonly evidence: readonly Readonly<Record<string, unknown>>[];
}

/** A value (phone, email, account …) that one or more hits carry. Same normalised value, same node. */
export interface IdentifierNode {
  readonly id: string;
  readonly type: 'identifier';
  readonly kind: IdentifierKind;
  /** Normalised key (E.164 phone, electronic IBAN, canonical email, folded address). */
  readonly value: string;
  /** The value as first released, for display and pivots. */
  readonly label: string;
  /** Agencies whose hits released it. */
  readonly agencies: readonly string[];
  /** Some hit's evidence marked this value as generic at its owner (held by many records there). */
  readonly genericEvidence: boolean;
}

export type GraphNode = HitNode | IdentifierNode;

/** A hit holds an identifier: which released field said so, and which agency released it. */
export interface LinkEdge {
  readonly id: string;
  readonly type: IdentifierLink;
  readonly from: string;
  readonly to: string;
  readonly field: string;
  readonly agency: string;
}

export type SameAsDecision = 'pending' | 'confirmed' | 'rejected';

/** The analyst's verdict on a possibly-same edge, kept per case. */
export interface EdgeDecision {
  readonly decision: 'confirmed' | 'rejected';
  readonly note?: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
}

/**
 * Two hits from different agencies that may describe the same person or organisation: matching's score over
 * the released fields, with the per-field evidence. An edge, never a merge.
 */
export interface SameAsEdge {
  readonly id: string;
  readonly type: 'possibly-same';
  readonly from: string;
  readonly to: string;
  readonly score: number;
  readonly weight: number;
  readonly band: 'match' | 'possible';
  readonly matchKey: string;
  readonly evidence: readonly FieldEvidence[];
  readonly decision: SameAsDecision;
  readonly note?: string;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
}

export type GraphEdge = LinkEdge | SameAsEdge;

/** A search of the case, summarised: the provenance of every hit node. */
export interface SearchSummary {
  readonly id: string;
  readonly createdAt: string;
  readonly status: string;
  readonly subjectKind: string;
  readonly peers: readonly { agency: string; status: string; reasonCode?: string }[];
}

export interface CaseGraph {
  readonly caseRef: string;
  readonly searches: readonly SearchSummary[];
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}
