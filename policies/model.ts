import type {
  Digest,
  FieldTransform,
  Granularity,
  PolicySensitivity,
  QuotaCounts,
  QuotaPeriod,
  QuotaScope,
  SubjectKind,
} from '../contracts/index.js';

/**
 * The normalised form of a bundle: what the digest covers and what the engine compiles. Defaults are filled,
 * sets are sorted, and layout (file names, lines, comments, descriptions) is left out, so reformatting a file
 * does not change the digest while any change of meaning does.
 */

export interface Conditions {
  readonly agencies?: readonly string[];
  readonly countries?: readonly string[];
  readonly groups?: readonly string[];
  readonly purposes?: readonly string[];
  readonly legalBases?: readonly string[];
  readonly subjectKinds?: readonly SubjectKind[];
  readonly selectors?: readonly string[];
  readonly datasets?: readonly string[];
}

/** A record filter. A permission releases only records that match it; a prohibition withholds those that do. */
export interface RecordFilter {
  readonly ageDays?: { readonly min?: number; readonly max?: number };
  readonly sensitivity?: { readonly min?: PolicySensitivity; readonly max?: PolicySensitivity };
  readonly withFlags?: readonly string[];
  readonly withoutFlags?: readonly string[];
}

export interface Duties {
  /** A `record` grant may be released only after a disclosure officer approves it. */
  readonly approvalBeforeRecord: boolean;
  readonly notifyOwnerOnHit: boolean;
  readonly handlingCode?: string;
  readonly retentionDays?: number;
}

/**
 * A limit on how much a permission gives out per period. `counts: exchanges` counts answered queries (the
 * permission is skipped once `limit` are used); `counts: records` counts the records released at `summary` or
 * `record` (a query is answered while some are left, with at most what is left). `per: peer` counts for the
 * requesting agency, `per: requester` for each of its officers (the query's pseudonymous `requester.id`).
 */
export interface Quota {
  /**
   * Counter id; defaults to the rule id for `quota`, to `<rule id>.<counts>.<per>` in a `quotas` list. Rules
   * naming the same id share one counter (and must agree on its limit, period, counts and per).
   */
  readonly id: string;
  readonly limit: number;
  readonly period: QuotaPeriod;
  readonly counts: QuotaCounts;
  readonly per: QuotaScope;
}

export interface Grant {
  readonly maxGranularity: Granularity;
  /** Field → transform; `*` covers every dataset field not named. Fields not covered are never released. */
  readonly fields: Readonly<Record<string, FieldTransform>>;
  readonly minScore: number;
  readonly maxHits: number;
  /** Absent when the permission has no quota (then it is an unbounded export: docs/policies.md). */
  readonly quotas?: readonly Quota[];
  readonly duties: Duties;
}

export interface Rule {
  readonly id: string;
  readonly effect: 'permit' | 'prohibit';
  readonly when: Conditions;
  readonly unless?: Conditions;
  readonly records?: RecordFilter;
  readonly grant?: Grant;
}

export interface NormalisedBundle {
  readonly format: 'mosaic-policy/1';
  readonly version: string;
  readonly owner?: string;
  /** In declared order: files sorted by name, rules in file order (the last tie-break between permissions). */
  readonly rules: readonly Rule[];
}

/** Where a rule was written, for explanations and operator messages; not part of the digest. */
export interface RuleSource {
  readonly file: string;
  readonly line: number | undefined;
  readonly description?: string;
}

/** Defaults when a permission does not say (documented in docs/policies.md). */
export const DEFAULT_MIN_SCORE = 0;
export const DEFAULT_MAX_HITS = 50;

export type { Digest };
