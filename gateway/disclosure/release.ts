import { isMosaicError } from '../../contracts/index.js';
import type { Connector } from '../../connectors/index.js';
import {
  type Decision,
  evaluate,
  type FieldPlan,
  type PolicyHolder,
  type PolicyRecord,
  type QuotaCounters,
  recordPasses,
  releaseFields,
} from '../../policies/index.js';

/** What the policy is asked about a step-2 request: the hit's facts and the request's. */
export interface ReleaseFacts {
  readonly peer: string;
  /** The requesting analyst's pseudonym (per-requester quotas). */
  readonly requester: string;
  readonly purpose: string;
  readonly legalBasis: string;
  readonly subjectKind: string;
  readonly selectors: readonly string[];
  readonly dataset: string;
  readonly recordId: string;
}

/**
 * Reasons a record is not released at `record`, besides the engine's own deny reasons (docs/protocol.md, step 2):
 * no policy bundle or data source, a permission that stops below `record`, a record filter that withholds this
 * record (e.g. the victim flag), a record that no longer exists.
 */
export type WithholdReason =
  | Decision['reasonCode']
  | 'NO_POLICY'
  | 'RECORD_NOT_RELEASABLE'
  | 'RECORD_WITHHELD'
  | 'RECORD_DELETED';

export type ReleaseCheck =
  | {
      readonly ok: true;
      readonly decision: Decision;
      readonly kind: string;
      /** The record as read now. */
      readonly record: PolicyRecord;
      /** The record read now, through the permission's field plan: exactly what would leave. */
      readonly values: Record<string, string>;
    }
  | {
      readonly ok: false;
      readonly reasonCode: WithholdReason;
      readonly decision?: Decision;
      readonly kind?: string;
    };

/** Re-checks count no quota: the request consumed it when it was received; the question is only "still released?". */
export const NO_QUOTA_USED: QuotaCounters = { get: () => undefined };

/**
 * Would the policy release this record at `record` granularity now? Reads the record from the data source,
 * evaluates the current bundle for the peer, purpose, legal basis and the hit's selectors, applies the
 * permission's record filters, and computes the released values. Used when a request arrives, when an officer
 * approves it, and before every delivery.
 */
export async function checkRelease(
  policies: PolicyHolder | undefined,
  connector: Connector | undefined,
  facts: ReleaseFacts,
  now: number,
  counters: QuotaCounters,
): Promise<ReleaseCheck> {
  const bundle = policies?.current();
  if (!bundle || !connector) return { ok: false, reasonCode: 'NO_POLICY' };
  const decision = evaluate(
    bundle.engine,
    {
      peer: facts.peer,
      requester: facts.requester,
      purpose: facts.purpose,
      legalBasis: facts.legalBasis,
      subjectKind: facts.subjectKind as never,
      selectors: facts.selectors,
      granularity: 'record',
      dataset: facts.dataset,
    },
    now,
    counters,
  );
  if (decision.effect !== 'permit') return { ok: false, reasonCode: decision.reasonCode, decision };
  if (decision.granted !== 'record') return { ok: false, reasonCode: 'RECORD_NOT_RELEASABLE', decision };
  let stored: Awaited<ReturnType<Connector['get']>>;
  try {
    stored = await connector.get({ dataset: facts.dataset, id: facts.recordId });
  } catch (err) {
    // Only "no such record" means deleted; a data source that cannot be read is an error, not a verdict.
    if (isMosaicError(err) && err.code === 'MOSAIC_ERR_CONNECTOR_NOT_FOUND')
      return { ok: false, reasonCode: 'RECORD_DELETED', decision };
    throw err;
  }
  const kind = stored.record.kind;
  if (!recordPasses(decision.recordFilter, stored.record, now))
    return { ok: false, reasonCode: 'RECORD_WITHHELD', decision, kind };
  return {
    ok: true,
    decision,
    kind,
    record: stored.record,
    values: { ...releaseFields(decision.fields, stored.record) },
  };
}

/**
 * Whether the current field plan still releases every frozen field exactly as approved (same transform). A
 * plan that now drops or masks a field the officer released is a narrower policy: the frozen values would
 * hand out more than the policy now allows.
 */
export function stillCovers(
  approved: FieldPlan,
  current: FieldPlan,
  frozen: Readonly<Record<string, string>>,
) {
  return Object.keys(frozen).every(
    (f) => Object.hasOwn(approved, f) && Object.hasOwn(current, f) && current[f] === approved[f],
  );
}

/** Two sets of released values are the same (same fields, same values). */
export function sameValues(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}
