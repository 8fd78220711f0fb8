import type { DecisionSummary } from '../../contracts/index.js';
import { type Decision, decideQuery, type PolicyHolder, toDecisionSummary } from '../../policies/index.js';
import type { DecisionPort, QueryDecision, VerifiedQuery } from '../peer/ports.js';
import type { QuotaStore } from './quota-store.js';

const NO_POLICY: DecisionSummary = {
  effect: 'deny',
  reasonCode: 'NO_POLICY',
  ruleIds: [],
  granted: null,
  coarsened: false,
};

/**
 * The decision step backed by the policy engine. The grant handed to the match step is the engine's full
 * `Decision` (release plan, record filter, thresholds, duties); what goes to the peer is the peer view of it
 * (reason code and grant, no rule ids). With no valid bundle loaded, every query is denied (NO_POLICY).
 */
export function policyDecisions(holder: PolicyHolder, quotas: QuotaStore): DecisionPort<Decision> {
  return {
    decide(q: VerifiedQuery): QueryDecision<Decision> {
      const bundle = holder.current();
      if (!bundle) return { overall: NO_POLICY, datasets: [] };
      const decided = decideQuery(bundle.engine, q.claims, q.now, quotas);
      // Exchange quotas are taken when the permit is given, before anything is matched: a failure later never
      // refunds them, which errs on the side of sharing less. Records quotas are taken by the match step, by
      // the number of records it releases (data-matcher.ts).
      quotas.consume(
        decided.datasets
          .flatMap((d) => (d.effect === 'permit' ? d.quota : []))
          .filter((q) => q.counts === 'exchanges'),
      );
      return {
        overall: { ...decided.overall, ruleIds: [], policyDigest: bundle.digest },
        datasets: decided.datasets.map((d) => ({
          dataset: d.dataset,
          decision: toDecisionSummary(d, 'peer'),
          grant: d,
        })),
      };
    },
  };
}

/** The operator view of a query decision, for the ledger: rule ids and policy digest per dataset. */
export function operatorView(decision: QueryDecision): DecisionSummary[] {
  return decision.datasets.map((d) =>
    d.grant && typeof d.grant === 'object' && 'ruleIds' in (d.grant as object)
      ? toDecisionSummary(d.grant as Decision, 'operator')
      : d.decision,
  );
}
