import {
  type Digest,
  GRANULARITIES,
  type Granularity,
  granularityRank,
  type QuotaCounts,
  type QuotaPeriod,
  type QuotaScope,
  type SubjectKind,
} from '../contracts/index.js';
import {
  type CompiledConditions,
  type CompiledPolicy,
  type CompiledRule,
  EMPTY_PLAN,
  type FieldPlan,
} from './compile.js';
import type { Quota, RecordFilter } from './model.js';

/** What the engine decides on: one query, asked of one dataset, by one peer. */
export interface Facts {
  /** Requesting agency (`iss` of the verified query). Its country and groups come from the trust list. */
  readonly peer: string;
  /**
   * The requesting officer's pseudonym (`requester.id` of the query), for `per: requester` quotas. Chosen by
   * the requesting node, so it bounds one honest officer, never the agency: that is what `per: peer` is for.
   * Absent, every such officer shares one counter (the stricter reading).
   */
  readonly requester?: string;
  readonly purpose: string;
  /** Absent (as in `explainFor`) never satisfies a `legalBases` condition. */
  readonly legalBasis?: string;
  readonly subjectKind: SubjectKind;
  /** Names of the selectors the query uses (e.g. `fullName`, `birthDate`). */
  readonly selectors?: readonly string[];
  /** The granularity asked for. */
  readonly granularity: Granularity;
  readonly dataset: string;
}

/** Stable reasons a decision gives; the requesting peer sees only this (docs/policies.md#reason-codes). */
export const REASON_CODES = [
  'PERMITTED',
  'PERMITTED_COARSENED',
  'APPROVAL_REQUIRED',
  'NO_MATCHING_PERMISSION',
  'PROHIBITED',
  'QUOTA_EXCEEDED',
  'UNKNOWN_PEER',
  'UNKNOWN_PURPOSE',
  'UNKNOWN_DATASET',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** How records are chosen before anything is matched, counted or released. */
export interface RecordFilterPlan {
  /** Deny decisions release no record at all, whatever the filters say. */
  readonly releaseNothing: boolean;
  /** Records must match this (from the chosen permission); absent: every record. */
  readonly release?: RecordFilter;
  /** Records matching any of these (record-scoped prohibitions) are withheld. */
  readonly withhold: readonly RecordFilter[];
}

export interface DecisionDuties {
  /** The grant is `record` and the permission requires a disclosure officer's approval first. */
  readonly approvalRequired: boolean;
  readonly notifyOwnerOnHit: boolean;
  readonly handlingCode?: string;
  readonly retentionDays?: number;
}

/**
 * A counter the gateway increments (in SQLite) when it acts on a permit: by one for `counts: exchanges` when
 * it answers, by the number of records it releases for `counts: records` once it has matched.
 */
export interface QuotaIncrement {
  /** `peer|quotaId|windowStart`, plus `|requester` for `per: requester`: the key `QuotaCounters.get` is asked with. */
  readonly key: string;
  readonly peer: string;
  /** For `per: requester`: whose counter it is ('' when the facts named no requester). */
  readonly requester?: string;
  readonly quotaId: string;
  readonly counts: QuotaCounts;
  readonly per: QuotaScope;
  readonly period: QuotaPeriod;
  /** ISO 8601 UTC start of the current window. */
  readonly window: string;
  readonly limit: number;
  /** Usage before this decision. */
  readonly used: number;
}

/** Current quota usage, keyed as `QuotaIncrement.key`; a Map works. Missing means 0. */
export interface QuotaCounters {
  get(key: string): number | undefined;
}

export interface Decision {
  readonly effect: 'permit' | 'deny';
  readonly reasonCode: ReasonCode;
  readonly dataset: string;
  readonly asked: Granularity;
  /** ≤ asked and ≤ the chosen permission's maxGranularity; null when denied. */
  readonly granted: Granularity | null;
  /** granted < asked: the responder answers more coarsely and says so. */
  readonly coarsened: boolean;
  /** Fields released at `summary`/`record`, with their transforms; empty otherwise. */
  readonly fields: FieldPlan;
  readonly recordFilter: RecordFilterPlan;
  /** `maxHits` is the grant's, lowered to what its records quotas have left when the decision releases records. */
  readonly thresholds: { readonly minScore: number; readonly maxHits: number };
  readonly duties: DecisionDuties;
  readonly quota: readonly QuotaIncrement[];
  /** The rules that decided: the chosen permission and any withholding prohibitions, or the prohibitions. */
  readonly ruleIds: readonly string[];
  readonly policyDigest: Digest;
  readonly policyVersion: string;
}

/** Why a rule applied or not; collected only when a trace is asked for. */
export interface RuleTrace {
  readonly ruleId: string;
  readonly effect: 'permit' | 'prohibit';
  readonly outcome:
    | 'not-applicable'
    | 'excepted'
    | 'prohibits'
    | 'withholds-records'
    | 'selected'
    | 'outranked'
    | 'quota-exhausted';
  /** For `not-applicable`/`excepted`: the first condition that decided, what it wanted and what it got. */
  readonly condition?: {
    readonly name: string;
    readonly expected: readonly string[];
    readonly actual: string;
  };
  /** For permissions that applied: what they would grant. */
  readonly wouldGrant?: Granularity;
  readonly note?: string;
}

const NO_DUTIES: DecisionDuties = Object.freeze({ approvalRequired: false, notifyOwnerOnHit: false });
const DENY_FILTER: RecordFilterPlan = Object.freeze({ releaseNothing: true, withhold: Object.freeze([]) });
const NO_QUOTA: readonly QuotaIncrement[] = Object.freeze([]);
const NO_RULES: readonly string[] = Object.freeze([]);

/**
 * Decide one query against one dataset. Pure: no I/O, no clock (now is epoch milliseconds, read once by the
 * caller), no mutation of its arguments. Combination rules, in order (docs/policies.md#semantics):
 * unknown peer, purpose or dataset deny; any applicable query-scoped prohibition denies; otherwise the
 * applicable permissions are alternatives and the single most generous one whose quota is not exhausted is
 * chosen (highest granted granularity, then most released fields, then declared order); no applicable
 * permission denies. Record-scoped prohibitions never deny the query: they add filters that withhold records.
 */
export function evaluate(
  engine: CompiledPolicy,
  facts: Facts,
  now: number,
  counters: QuotaCounters,
  trace?: RuleTrace[],
): Decision {
  const peer = engine.peers.get(facts.peer);
  if (!peer) return deny(engine, facts, 'UNKNOWN_PEER', NO_RULES);
  if (!engine.purposes.has(facts.purpose)) return deny(engine, facts, 'UNKNOWN_PURPOSE', NO_RULES);
  const byPurpose = engine.index.get(facts.dataset);
  if (!byPurpose) return deny(engine, facts, 'UNKNOWN_DATASET', NO_RULES);
  // The trace walks every rule so an auditor sees why each one did not apply; the decision is the same
  // because the index only leaves out rules whose dataset or purpose condition fails.
  const candidates = trace ? engine.rules : (byPurpose.get(facts.purpose) ?? []);

  const prohibitions: string[] = [];
  const withholding: CompiledRule[] = [];
  const permits: CompiledRule[] = [];
  for (const r of candidates) {
    const failed = firstFailure(r.when, facts, peer);
    if (failed) {
      trace?.push({ ruleId: r.rule.id, effect: r.rule.effect, outcome: 'not-applicable', condition: failed });
      continue;
    }
    if (r.unless) {
      const unlessFailed = firstFailure(r.unless, facts, peer);
      if (!unlessFailed) {
        trace?.push({
          ruleId: r.rule.id,
          effect: r.rule.effect,
          outcome: 'excepted',
          note: 'every `unless` condition holds',
        });
        continue;
      }
    }
    if (r.rule.effect === 'permit') permits.push(r);
    else if (r.recordScoped) {
      withholding.push(r);
      trace?.push({ ruleId: r.rule.id, effect: 'prohibit', outcome: 'withholds-records' });
    } else {
      prohibitions.push(r.rule.id);
      trace?.push({ ruleId: r.rule.id, effect: 'prohibit', outcome: 'prohibits' });
    }
  }
  if (prohibitions.length > 0) {
    for (const p of permits)
      trace?.push({
        ruleId: p.rule.id,
        effect: 'permit',
        outcome: 'outranked',
        note: 'a prohibition applies',
      });
    return deny(engine, facts, 'PROHIBITED', prohibitions);
  }
  if (permits.length === 0) return deny(engine, facts, 'NO_MATCHING_PERMISSION', NO_RULES);

  const askedRank = granularityRank(facts.granularity);
  const ranked =
    permits.length === 1
      ? permits
      : [...permits].sort((a, b) => compareGenerosity(a, b, askedRank, facts.dataset));
  let chosen: CompiledRule | undefined;
  let increments: readonly QuotaIncrement[] = NO_QUOTA;
  const exhausted: string[] = [];
  for (const r of ranked) {
    const wouldGrant = GRANULARITIES[Math.min(askedRank, r.maxRank)]!;
    if (chosen) {
      trace?.push({ ruleId: r.rule.id, effect: 'permit', outcome: 'outranked', wouldGrant });
      continue;
    }
    const quotas = (r.rule.grant?.quotas ?? []).map((q) => quotaUse(q, facts, now, counters));
    const spent = quotas.filter((q) => q.used >= q.limit);
    if (spent.length > 0) {
      exhausted.push(r.rule.id);
      trace?.push({
        ruleId: r.rule.id,
        effect: 'permit',
        outcome: 'quota-exhausted',
        wouldGrant,
        note: spent.map(describeUse).join('; '),
      });
      continue;
    }
    increments = quotas;
    chosen = r;
    trace?.push({
      ruleId: r.rule.id,
      effect: 'permit',
      outcome: 'selected',
      wouldGrant,
      ...(quotas.length === 0 ? {} : { note: quotas.map(describeUse).join('; ') }),
    });
  }
  if (!chosen) return deny(engine, facts, 'QUOTA_EXCEEDED', exhausted);

  const grant = chosen.rule.grant!;
  const granted = GRANULARITIES[Math.min(askedRank, chosen.maxRank)]!;
  const coarsened = granted !== facts.granularity;
  const approvalRequired = granted === 'record' && grant.duties.approvalBeforeRecord;
  const release = chosen.rule.records;
  const maxHits = releasesRecords(granted, approvalRequired)
    ? Math.min(
        grant.maxHits,
        ...increments.filter((q) => q.counts === 'records').map((q) => q.limit - q.used),
      )
    : grant.maxHits;
  return {
    effect: 'permit',
    reasonCode: approvalRequired ? 'APPROVAL_REQUIRED' : coarsened ? 'PERMITTED_COARSENED' : 'PERMITTED',
    dataset: facts.dataset,
    asked: facts.granularity,
    granted,
    coarsened,
    fields: fieldsAt(chosen, granularityRank(granted), facts.dataset).plan,
    recordFilter: {
      releaseNothing: false,
      ...(release === undefined ? {} : { release }),
      withhold: withholding.map((w) => w.rule.records!),
    },
    thresholds: { minScore: grant.minScore, maxHits },
    duties: {
      approvalRequired,
      notifyOwnerOnHit: grant.duties.notifyOwnerOnHit,
      ...(grant.duties.handlingCode === undefined ? {} : { handlingCode: grant.duties.handlingCode }),
      ...(grant.duties.retentionDays === undefined ? {} : { retentionDays: grant.duties.retentionDays }),
    },
    quota: increments,
    ruleIds:
      withholding.length === 0 ? [chosen.rule.id] : [chosen.rule.id, ...withholding.map((w) => w.rule.id)],
    policyDigest: engine.digest,
    policyVersion: engine.version,
  };
}

function deny(
  engine: CompiledPolicy,
  facts: Facts,
  reasonCode: ReasonCode,
  ruleIds: readonly string[],
): Decision {
  return {
    effect: 'deny',
    reasonCode,
    dataset: facts.dataset,
    asked: facts.granularity,
    granted: null,
    coarsened: false,
    fields: EMPTY_PLAN,
    recordFilter: DENY_FILTER,
    thresholds: { minScore: 1, maxHits: 0 },
    duties: NO_DUTIES,
    quota: NO_QUOTA,
    ruleIds,
    policyDigest: engine.digest,
    policyVersion: engine.version,
  };
}

/** More generous first: higher granted granularity, then more released fields, then earlier in the bundle. */
const RECORD_RANK = GRANULARITIES.indexOf('record');

/**
 * The fields a permission releases at the granularity it grants. A permission whose `record` grant waits for
 * an officer (`approvalBeforeRecord`) releases none of its fields below `record`: otherwise asking for a
 * `summary` would hand out, unapproved, exactly the fields the approval protects.
 */
function fieldsAt(
  rule: CompiledRule,
  grantedRank: number,
  dataset: string,
): { plan: FieldPlan; released: number } {
  if (grantedRank < granularityRank('summary')) return { plan: EMPTY_PLAN, released: 0 };
  if (
    rule.rule.grant?.duties.approvalBeforeRecord &&
    rule.maxRank === RECORD_RANK &&
    grantedRank < RECORD_RANK
  ) {
    return { plan: EMPTY_PLAN, released: 0 };
  }
  const p = rule.plans.get(dataset);
  return p ? { plan: p.plan, released: p.released } : { plan: EMPTY_PLAN, released: 0 };
}

function compareGenerosity(a: CompiledRule, b: CompiledRule, askedRank: number, dataset: string): number {
  const ga = Math.min(askedRank, a.maxRank);
  const gb = Math.min(askedRank, b.maxRank);
  if (ga !== gb) return gb - ga;
  const fa = fieldsAt(a, ga, dataset).released;
  const fb = fieldsAt(b, gb, dataset).released;
  if (fa !== fb) return fb - fa;
  return a.order - b.order;
}

type Failure = { name: string; expected: readonly string[]; actual: string };

/** The first condition of a rule the facts do not meet, or undefined when all hold (conditions are ANDed). */
function firstFailure(
  c: CompiledConditions,
  facts: Facts,
  peer: { country: string; groups: ReadonlySet<string> },
): Failure | undefined {
  if (c.datasets && !c.datasets.has(facts.dataset)) return fail('datasets', c.datasets, facts.dataset);
  if (c.purposes && !c.purposes.has(facts.purpose)) return fail('purposes', c.purposes, facts.purpose);
  if (c.agencies && !c.agencies.has(facts.peer)) return fail('agencies', c.agencies, facts.peer);
  if (c.countries && !c.countries.has(peer.country)) return fail('countries', c.countries, peer.country);
  if (c.groups) {
    let any = false;
    for (const g of peer.groups)
      if (c.groups.has(g)) {
        any = true;
        break;
      }
    if (!any) return fail('groups', c.groups, [...peer.groups].join(',') || '(none)');
  }
  if (c.legalBases && (facts.legalBasis === undefined || !c.legalBases.has(facts.legalBasis)))
    return fail('legalBases', c.legalBases, facts.legalBasis ?? '(not given)');
  if (c.subjectKinds && !c.subjectKinds.has(facts.subjectKind))
    return fail('subjectKinds', c.subjectKinds, facts.subjectKind);
  if (c.selectors && facts.selectors) {
    // Every selector the query uses must be one the rule allows.
    for (const s of facts.selectors) if (!c.selectors.has(s)) return fail('selectors', c.selectors, s);
  }
  return undefined;
}

function fail(name: string, expected: ReadonlySet<string>, actual: string): Failure {
  return { name, expected: [...expected], actual };
}

/** Start of the UTC quota window containing `now`: the hour, the day, the ISO week (Monday) or the month. */
export function windowStart(period: QuotaPeriod, now: number): string {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  let start: number;
  switch (period) {
    case 'hour':
      start = Date.UTC(y, m, day, d.getUTCHours());
      break;
    case 'day':
      start = Date.UTC(y, m, day);
      break;
    case 'week':
      start = Date.UTC(y, m, day - ((d.getUTCDay() + 6) % 7));
      break;
    case 'month':
      start = Date.UTC(y, m, 1);
      break;
  }
  return new Date(start).toISOString();
}

/**
 * The counter key for a peer's (or one of its officers') use of a quota in a window. None of the parts can
 * hold `|` (agency ids, quota ids, ISO instants and requester ids are all narrower), so keys never collide.
 */
export function quotaKey(peer: string, quotaId: string, window: string, requester?: string): string {
  return requester === undefined
    ? `${peer}|${quotaId}|${window}`
    : `${peer}|${quotaId}|${window}|${requester}`;
}

/** The current use of one quota by the facts' peer (or requester), as the increment it would take. */
function quotaUse(q: Quota, facts: Facts, now: number, counters: QuotaCounters): QuotaIncrement {
  const window = windowStart(q.period, now);
  const requester = q.per === 'requester' ? (facts.requester ?? '') : undefined;
  const key = quotaKey(facts.peer, q.id, window, requester);
  return {
    key,
    peer: facts.peer,
    ...(requester === undefined ? {} : { requester }),
    quotaId: q.id,
    counts: q.counts,
    per: q.per,
    period: q.period,
    window,
    limit: q.limit,
    used: counters.get(key) ?? 0,
  };
}

function describeUse(q: QuotaIncrement): string {
  const whose = q.per === 'requester' ? `requester ${q.requester || '(not given)'}` : 'the peer';
  return `quota ${q.quotaId}: ${q.used} of ${q.limit} ${q.counts} per ${q.period} used by ${whose} in the window from ${q.window}`;
}

/**
 * Whether a decision hands out records, the unit of a `counts: records` quota: hits with their released
 * fields, at `summary` or `record`. `exists` and `count` say that records match but release none; a `record`
 * grant waiting for approval releases nothing until step 2, which counts the one record it delivers.
 */
export function releasesRecords(granted: Granularity | null, approvalRequired: boolean): boolean {
  return (granted === 'summary' || granted === 'record') && !approvalRequired;
}

/** The records quotas a decision's release is counted against (empty: its release is not capped). */
export function recordQuotas(decision: Decision): readonly QuotaIncrement[] {
  if (!releasesRecords(decision.granted, decision.duties.approvalRequired)) return NO_QUOTA;
  return decision.quota.filter((q) => q.counts === 'records');
}
