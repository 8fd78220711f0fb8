import type { DecisionSummary, Digest, Granularity, SubjectKind } from '../contracts/index.js';
import { compilePolicy } from './compile.js';
import type { PolicyContext } from './context.js';
import { type Decision, evaluate, type Facts, type QuotaCounters, type RuleTrace } from './evaluate.js';
import type { PolicyBundle } from './load.js';

/**
 * Explanations at three levels (DESIGN principle 6): the requesting peer gets only the reason code (plus the
 * granularity it was granted, which the protocol must say anyway); the local operator gets the rule ids and
 * the bundle digest; the auditor gets the full trace of every rule, in JSON and as text.
 */

export interface TracedRule extends RuleTrace {
  readonly file?: string;
  readonly line?: number;
}

export interface DecisionTrace {
  readonly facts: Facts;
  /** ISO 8601 of the `now` the decision was taken at. */
  readonly now: string;
  readonly policyDigest: Digest;
  readonly policyVersion: string;
  readonly peer: { readonly country: string; readonly groups: readonly string[] } | null;
  readonly rules: readonly TracedRule[];
  readonly decision: {
    readonly effect: 'permit' | 'deny';
    readonly reasonCode: string;
    readonly granted: Granularity | null;
    readonly coarsened: boolean;
    readonly ruleIds: readonly string[];
    readonly fields: Readonly<Record<string, string>>;
  };
}

/** Evaluate with a full trace. The decision is the one `evaluate` gives for the same inputs. */
export function explain(
  bundle: PolicyBundle,
  facts: Facts,
  now: number,
  counters: QuotaCounters = new Map(),
): { decision: Decision; trace: DecisionTrace } {
  const raw: RuleTrace[] = [];
  const decision = evaluate(bundle.engine, facts, now, counters, raw);
  // Report rules in the order they are written, whatever order the engine considered them in.
  const order = new Map(bundle.engine.rules.map((r) => [r.rule.id, r.order]));
  raw.sort((a, b) => (order.get(a.ruleId) ?? 0) - (order.get(b.ruleId) ?? 0));
  const peer = bundle.engine.peers.get(facts.peer);
  const trace: DecisionTrace = {
    facts,
    now: new Date(now).toISOString(),
    policyDigest: bundle.digest,
    policyVersion: bundle.version,
    peer: peer ? { country: peer.country, groups: [...peer.groups] } : null,
    rules: raw.map((r) => {
      const src = bundle.sources.get(r.ruleId);
      return {
        ...r,
        ...(src ? { file: src.file, ...(src.line === undefined ? {} : { line: src.line }) } : {}),
      };
    }),
    decision: {
      effect: decision.effect,
      reasonCode: decision.reasonCode,
      granted: decision.granted,
      coarsened: decision.coarsened,
      ruleIds: decision.ruleIds,
      fields: { ...decision.fields },
    },
  };
  return { decision, trace };
}

/** The human-readable form of a trace, one line per rule. */
export function traceText(trace: DecisionTrace): string {
  const f = trace.facts;
  const lines = [
    `policy ${trace.policyVersion} (${trace.policyDigest})`,
    `query: peer ${f.peer}${trace.peer ? ` (${trace.peer.country}; groups ${trace.peer.groups.join(', ') || 'none'})` : ' (not in the trust list)'}, ` +
      `purpose ${f.purpose}, legal basis ${f.legalBasis ?? '(not given)'}, subject ${f.subjectKind}` +
      `${f.selectors ? ` by ${f.selectors.join(', ')}` : ''}, dataset ${f.dataset}, asks ${f.granularity}, at ${trace.now}`,
  ];
  for (const r of trace.rules) {
    const where = r.file ? ` [${r.file}${r.line === undefined ? '' : `:${r.line}`}]` : '';
    lines.push(`  ${r.effect} ${r.ruleId}${where}: ${describe(r)}`);
  }
  const d = trace.decision;
  const fields = Object.entries(d.fields)
    .map(([k, v]) => (v === 'keep' ? k : `${k} (${v})`))
    .join(', ');
  lines.push(
    d.effect === 'permit'
      ? `→ permit ${d.granted}${d.coarsened ? ` (coarsened from ${f.granularity})` : ''}, reason ${d.reasonCode}, ` +
          `by ${d.ruleIds.join(', ')}${fields ? `; fields: ${fields}` : ''}`
      : `→ deny, reason ${d.reasonCode}${d.ruleIds.length > 0 ? `, by ${d.ruleIds.join(', ')}` : ''}`,
  );
  return lines.join('\n');
}

function describe(r: RuleTrace): string {
  switch (r.outcome) {
    case 'not-applicable': {
      const c = r.condition!;
      return `does not apply: ${c.name} is ${c.actual}, the rule wants ${c.expected.join(' | ')}`;
    }
    case 'excepted':
      return `does not apply: ${r.note ?? 'its unless clause holds'}`;
    case 'prohibits':
      return 'applies and prohibits the query';
    case 'withholds-records':
      return 'applies: withholds the records it describes';
    case 'selected':
      return `applies and is chosen: grants ${r.wouldGrant}${r.note ? `; ${r.note}` : ''}`;
    case 'outranked':
      return r.wouldGrant
        ? `applies but another permission is more generous (would grant ${r.wouldGrant})`
        : `applies but is overruled: ${r.note ?? ''}`;
    case 'quota-exhausted':
      return `applies but its quota is used up: ${r.note ?? ''}`;
  }
}

export type Audience = 'peer' | 'operator' | 'auditor';

export type Explanation =
  | { readonly audience: 'peer'; readonly reasonCode: string }
  | {
      readonly audience: 'operator';
      readonly reasonCode: string;
      readonly ruleIds: readonly string[];
      readonly policyDigest: Digest;
    }
  | {
      readonly audience: 'auditor';
      readonly reasonCode: string;
      readonly ruleIds: readonly string[];
      readonly policyDigest: Digest;
      readonly trace: DecisionTrace;
      readonly text: string;
    };

/** What each audience may see of a decision. The auditor's view needs the trace from `explain`. */
export function explanationFor(audience: 'peer' | 'operator', decision: Decision): Explanation;
export function explanationFor(audience: 'auditor', decision: Decision, trace: DecisionTrace): Explanation;
export function explanationFor(audience: Audience, decision: Decision, trace?: DecisionTrace): Explanation {
  if (audience === 'peer') return { audience, reasonCode: decision.reasonCode };
  if (audience === 'operator')
    return {
      audience,
      reasonCode: decision.reasonCode,
      ruleIds: decision.ruleIds,
      policyDigest: decision.policyDigest,
    };
  if (!trace) throw new TypeError('explanationFor: the auditor view needs the trace from explain()');
  return {
    audience,
    reasonCode: decision.reasonCode,
    ruleIds: decision.ruleIds,
    policyDigest: decision.policyDigest,
    trace,
    text: traceText(trace),
  };
}

/**
 * The decision summary for the signed response. The peer view carries no rule ids (the peer gets only the
 * reason code and the grant); the operator view is what the ledger records.
 */
export function toDecisionSummary(decision: Decision, audience: 'peer' | 'operator'): DecisionSummary {
  return {
    effect: decision.effect,
    reasonCode: decision.reasonCode,
    ruleIds: audience === 'peer' ? [] : [...decision.ruleIds],
    granted: decision.granted,
    coarsened: decision.coarsened,
    policyDigest: decision.policyDigest,
  };
}

export interface ExplainQuery {
  readonly peer: string;
  readonly purpose: string;
  readonly subjectKind: SubjectKind;
  readonly dataset?: string;
  readonly legalBasis?: string;
}

export interface PeerView {
  readonly query: ExplainQuery;
  readonly datasets: readonly {
    readonly dataset: string;
    readonly decision: Decision;
    readonly trace: DecisionTrace;
    readonly text: string;
  }[];
  readonly text: string;
}

/**
 * What a peer would see asking for `record` (the most it can ask) of each dataset, and why: the answer to
 * `mosaic policy explain`. Quotas are taken as unused, and without a legal basis rules that require one do
 * not apply. Datasets: the one named, or every dataset holding the subject kind.
 */
export function explainFor(
  query: ExplainQuery,
  bundle: PolicyBundle,
  ctx: PolicyContext,
  now: number,
): PeerView {
  // A different context (e.g. a newer trust list) is explained against itself, not the bundle's.
  const target =
    ctx === bundle.context
      ? bundle
      : { ...bundle, context: ctx, engine: compilePolicy(bundle.normalised, ctx, bundle.digest) };
  const names =
    query.dataset !== undefined
      ? [query.dataset]
      : Object.entries(ctx.datasets)
          .filter(([, d]) => d.kinds.includes(query.subjectKind))
          .map(([n]) => n)
          .sort();
  const datasets = names.map((dataset) => {
    const facts: Facts = {
      peer: query.peer,
      purpose: query.purpose,
      subjectKind: query.subjectKind,
      granularity: 'record',
      dataset,
      ...(query.legalBasis === undefined ? {} : { legalBasis: query.legalBasis }),
    };
    const { decision, trace } = explain(target, facts, now);
    return { dataset, decision, trace, text: traceText(trace) };
  });
  const text =
    datasets.length === 0
      ? `no dataset holds ${query.subjectKind}`
      : datasets.map((d) => d.text).join('\n\n');
  return { query, datasets, text };
}
