import type { DatasetResult, Hit } from '../../contracts/index.js';
import type { Connector, MatchHit } from '../../connectors/index.js';
import { type Decision, recordQuotas, releaseFields } from '../../policies/index.js';
import type { MatchPort, QueryDecision, VerifiedQuery } from '../peer/ports.js';
import type { HitRefStore } from './hit-refs.js';
import { type DatasetSearch, type MatchPool, searchDataset } from './match-pool.js';
import type { RecordQuotaPort } from './quota-store.js';

/**
 * The match step: run the query's subject through the connector and scorer for every permitted dataset, then
 * apply the decision: the record filter before anything is counted (a withheld record does not even show as
 * `exists`), the score threshold and hit cap, and at `summary`/`record` only the released fields, each with its
 * transform. Evidence names fields and weights, never values. A `record` grant that requires approval
 * answers with the hits but no fields (reason APPROVAL_REQUIRED); the record travels only through step 2.
 */
export function dataMatcher(
  connector: Connector,
  refs: HitRefStore,
  pool?: MatchPool,
  quotas?: RecordQuotaPort,
): MatchPort<Decision> {
  return {
    async match(q: VerifiedQuery, decision: QueryDecision<Decision>): Promise<DatasetResult[]> {
      const out: DatasetResult[] = [];
      for (const d of decision.datasets) {
        const grant = d.grant;
        if (d.decision.effect !== 'permit' || !grant || grant.granted === null) {
          out.push({ dataset: d.dataset, decision: d.decision });
          continue;
        }
        // The record filter runs inside the matcher, before the hit cap: a withheld record neither shows nor
        // takes the place of one that may be released.
        // On a match thread when the node has them (MatchPool), else here: the same search either way.
        const search: DatasetSearch = {
          subject: q.claims.subject,
          dataset: d.dataset,
          maxHits: grant.thresholds.maxHits,
          minScore: grant.thresholds.minScore,
          recordFilter: grant.recordFilter,
          now: q.now,
        };
        const found = pool?.usable ? await pool.match(search) : await searchDataset(connector, search);
        // Records quotas count what is released, taken now that it is known: the decision capped maxHits at
        // what they had left, and `take` caps again atomically for answers matched meanwhile. Without a
        // store to count in, nothing under such a quota is released (fail closed).
        const counted = recordQuotas(grant);
        const allowed = counted.length === 0 ? found.length : quotas ? quotas.take(counted, found.length) : 0;
        if (allowed === 0 && found.length > 0) {
          // Used up by answers matched meanwhile: say so, rather than answer as if nothing matched.
          out.push({
            dataset: d.dataset,
            decision: {
              ...d.decision,
              effect: 'deny',
              reasonCode: 'QUOTA_EXCEEDED',
              granted: null,
              coarsened: false,
            },
          });
          continue;
        }
        const passing = allowed === found.length ? found : found.slice(0, allowed);
        if (grant.granted === 'exists') {
          out.push({ dataset: d.dataset, decision: d.decision, exists: passing.length > 0 });
        } else if (grant.granted === 'count') {
          out.push({ dataset: d.dataset, decision: d.decision, count: passing.length });
        } else {
          out.push({
            dataset: d.dataset,
            decision: d.decision,
            hits: toHits(passing, grant, q, refs),
          });
        }
      }
      return out;
    },
  };
}

function toHits(hits: readonly MatchHit[], grant: Decision, q: VerifiedQuery, refs: HitRefStore): Hit[] {
  const issued = refs.issueMany(
    hits.map((h) => ({
      peer: q.peer.agencyId,
      dataset: h.ref.dataset,
      recordId: h.ref.id,
      queryJti: q.claims.jti,
      purpose: q.claims.purpose,
      caseRef: q.claims.caseRef,
      granted: grant.granted ?? 'exists',
      subjectKind: q.claims.subject.kind,
      selectors: Object.keys(q.claims.subject.selectors),
      createdAt: q.now,
    })),
  );
  return hits.map((h, i) => toHit(h, grant, issued[i]!));
}

function toHit(h: MatchHit, grant: Decision, ref: string): Hit {
  return {
    ref,
    score: Number(h.score.toFixed(4)),
    band: h.band,
    kind: h.kind,
    evidence: h.evidence.map((e) => ({
      field: e.field,
      level: e.level,
      weight: Number(e.weight.toFixed(3)),
      ...(e.generic ? { generic: true } : {}),
    })),
    // A `record` grant under an approval duty releases no field now: the peer sees that it matched, and
    // asks for the record through step 2, where an officer decides.
    ...(grant.duties.approvalRequired ? {} : { fields: releaseFields(grant.fields, h.record) }),
  };
}
