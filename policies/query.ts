import type { Granularity, QueryClaims } from '../contracts/index.js';
import { granularityRank } from '../contracts/index.js';
import type { CompiledPolicy } from './compile.js';
import { type Decision, evaluate, type Facts, type QuotaCounters, type ReasonCode } from './evaluate.js';

/** The facts of a verified query for one dataset. */
export function factsFromQuery(claims: QueryClaims, dataset: string): Facts {
  return {
    peer: claims.iss,
    requester: claims.requester.id,
    purpose: claims.purpose,
    legalBasis: claims.legalBasis,
    subjectKind: claims.subject.kind,
    selectors: Object.keys(claims.subject.selectors),
    granularity: claims.granularity,
    dataset,
  };
}

export interface QueryDecisions {
  /** Permit if any dataset is permitted (then the highest grant); otherwise the first dataset's denial. */
  readonly overall: {
    readonly effect: 'permit' | 'deny';
    readonly reasonCode: ReasonCode;
    readonly ruleIds: readonly string[];
    readonly granted: Granularity | null;
    readonly coarsened: boolean;
  };
  readonly datasets: readonly Decision[];
}

/**
 * Decide a query for every dataset it names, or, when it names none, for every dataset in the catalogue that
 * holds its subject kind. Exchange quota use is threaded through the datasets, so two datasets under one
 * shared quota cannot both take its last unit. Records quotas are taken later, by what the match step
 * releases (one dataset after the other), so they need no threading here.
 */
export function decideQuery(
  engine: CompiledPolicy,
  claims: QueryClaims,
  now: number,
  counters: QuotaCounters,
): QueryDecisions {
  const names =
    claims.datasets ??
    [...engine.datasets.entries()].filter(([, d]) => d.kinds.includes(claims.subject.kind)).map(([n]) => n);
  const overlay = new Map<string, number>();
  const view: QuotaCounters = { get: (k) => (counters.get(k) ?? 0) + (overlay.get(k) ?? 0) };
  const datasets = names.map((dataset) => {
    const d = evaluate(engine, factsFromQuery(claims, dataset), now, view);
    for (const q of d.quota) if (q.counts === 'exchanges') overlay.set(q.key, (overlay.get(q.key) ?? 0) + 1);
    return d;
  });
  const permits = datasets.filter((d) => d.effect === 'permit');
  if (permits.length === 0) {
    const first = datasets[0];
    return {
      overall: {
        effect: 'deny',
        reasonCode: first?.reasonCode ?? 'NO_MATCHING_PERMISSION',
        ruleIds: first?.ruleIds ?? [],
        granted: null,
        coarsened: false,
      },
      datasets,
    };
  }
  const best = permits.reduce((a, b) => (granularityRank(b.granted!) > granularityRank(a.granted!) ? b : a));
  return {
    overall: {
      effect: 'permit',
      reasonCode: best.reasonCode,
      ruleIds: [...new Set(permits.flatMap((d) => d.ruleIds))],
      granted: best.granted,
      coarsened: best.coarsened,
    },
    datasets,
  };
}
