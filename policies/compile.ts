import {
  type Digest,
  type FieldTransform,
  type Granularity,
  granularityRank,
  type SubjectKind,
} from '../contracts/index.js';
import type { DatasetFacts, PolicyContext } from './context.js';
import type { Conditions, NormalisedBundle, Rule } from './model.js';

/**
 * The indexed form the engine evaluates. Built once per bundle (and per trust list): sets instead of arrays,
 * `*` field grants expanded per dataset, and for every (dataset, purpose) pair the short list of rules that
 * can apply, in declared order, so a decision touches only those (the OPA rule-indexing idea).
 */

/** Field → transform for one dataset. Null prototype; frozen. */
export type FieldPlan = Readonly<Record<string, FieldTransform>>;

export interface CompiledConditions {
  readonly agencies?: ReadonlySet<string>;
  readonly countries?: ReadonlySet<string>;
  readonly groups?: ReadonlySet<string>;
  readonly purposes?: ReadonlySet<string>;
  readonly legalBases?: ReadonlySet<string>;
  readonly subjectKinds?: ReadonlySet<SubjectKind>;
  readonly selectors?: ReadonlySet<string>;
  readonly datasets?: ReadonlySet<string>;
}

export interface CompiledRule {
  readonly rule: Rule;
  /** Position in the bundle: the last tie-break between equally generous permissions. */
  readonly order: number;
  readonly when: CompiledConditions;
  readonly unless: CompiledConditions | undefined;
  /** A prohibition with a record filter withholds matching records instead of denying the query. */
  readonly recordScoped: boolean;
  readonly maxRank: number;
  /** Per dataset: the released fields and how many are released (for ranking). */
  readonly plans: ReadonlyMap<string, { readonly plan: FieldPlan; readonly released: number }>;
}

export interface PeerFacts {
  readonly country: string;
  readonly groups: ReadonlySet<string>;
}

export interface CompiledPolicy {
  readonly digest: Digest;
  readonly version: string;
  readonly rules: readonly CompiledRule[];
  readonly peers: ReadonlyMap<string, PeerFacts>;
  readonly purposes: ReadonlySet<string>;
  readonly datasets: ReadonlyMap<string, DatasetFacts>;
  /** dataset → purpose → candidate rules in declared order. */
  readonly index: ReadonlyMap<string, ReadonlyMap<string, readonly CompiledRule[]>>;
}

const EMPTY_PLAN: FieldPlan = Object.freeze(Object.create(null) as Record<string, FieldTransform>);
export { EMPTY_PLAN };

export function compilePolicy(bundle: NormalisedBundle, ctx: PolicyContext, digest: Digest): CompiledPolicy {
  const datasets = new Map<string, DatasetFacts>(Object.entries(ctx.datasets));
  const peers = new Map<string, PeerFacts>(
    Object.entries(ctx.agencies).map(([id, a]) => [id, { country: a.country, groups: new Set(a.groups) }]),
  );
  const purposes = new Set(ctx.purposes);
  const rules = bundle.rules.map((rule, order) => compileRule(rule, order, datasets));

  const index = new Map<string, Map<string, CompiledRule[]>>();
  for (const dataset of datasets.keys()) {
    const byPurpose = new Map<string, CompiledRule[]>();
    for (const purpose of purposes) {
      byPurpose.set(
        purpose,
        rules.filter(
          (r) =>
            (r.when.datasets === undefined || r.when.datasets.has(dataset)) &&
            (r.when.purposes === undefined || r.when.purposes.has(purpose)),
        ),
      );
    }
    index.set(dataset, byPurpose);
  }
  return { digest, version: bundle.version, rules, peers, purposes, datasets, index };
}

function compileConditions(c: Conditions): CompiledConditions {
  const out: Record<string, ReadonlySet<string>> = {};
  for (const [k, v] of Object.entries(c) as [keyof Conditions, readonly string[]][]) out[k] = new Set(v);
  return out as CompiledConditions;
}

function compileRule(rule: Rule, order: number, datasets: ReadonlyMap<string, DatasetFacts>): CompiledRule {
  const plans = new Map<string, { plan: FieldPlan; released: number }>();
  if (rule.grant) {
    const names = rule.when.datasets ?? [...datasets.keys()];
    for (const d of names) {
      const known = datasets.get(d)?.fields ?? [];
      const plan: Record<string, FieldTransform> = Object.create(null);
      const star = rule.grant.fields['*'];
      for (const f of known) {
        // A named field's transform beats `*`; only fields the dataset has are ever planned.
        const t = Object.hasOwn(rule.grant.fields, f) ? rule.grant.fields[f] : star;
        if (t !== undefined && t !== 'drop') plan[f] = t;
      }
      plans.set(d, { plan: Object.freeze(plan), released: Object.keys(plan).length });
    }
  }
  return {
    rule,
    order,
    when: compileConditions(rule.when),
    unless: rule.unless ? compileConditions(rule.unless) : undefined,
    recordScoped: rule.effect === 'prohibit' && rule.records !== undefined,
    maxRank: rule.grant ? granularityRank(rule.grant.maxGranularity) : -1,
    plans,
  };
}

/** The lower of two granularities on the disclosure ladder. */
export function minGranularity(a: Granularity, b: Granularity): Granularity {
  return granularityRank(a) <= granularityRank(b) ? a : b;
}
