/**
 * policies/: the sharing-policy language and engine (docs/policies.md). Pure apart from reading bundle files.
 *
 * How the gateway uses it:
 * 1. At start-up and on every trust-list or catalogue change, build a `PolicyContext` with
 *    `contextFromTrustList(trustList, catalogue)`, and keep a `PolicyHolder(ctx, {requireSignatureBy})`.
 *    `holder.tryReplace(dir, ctx?)` loads a bundle; on `ok: false` the previous bundle stays active and
 *    `error.issues` (file, line, path) go to the log and `/readyz`.
 * 2. In the peer pipeline's decision step: `decideQuery(holder.require().engine, claims, now, counters)`
 *    (or `evaluate(engine, factsFromQuery(claims, dataset), now, counters)` per dataset), with `now` read once
 *    per request and `counters` the current quota usage from SQLite (keys are `QuotaIncrement.key`).
 *    On a permit, add one to every `decision.quota[i]` that `counts: exchanges`; once matched, add the number
 *    of records released to every quota in `recordQuotas(decision)` (at most `thresholds.maxHits` are released,
 *    the grant's cap lowered to what those quotas have left), atomically with the check that they still fit.
 * 3. Send the peer `toDecisionSummary(decision, 'peer')` (reason code and grant, no rule ids); record
 *    `toDecisionSummary(decision, 'operator')` (rule ids and `policyDigest`) in the ledger.
 * 4. Before matching, counting or answering `exists`, drop candidates with `!recordPasses(decision.recordFilter,
 *    record, now)`; keep hits with score ≥ `decision.thresholds.minScore`, at most `thresholds.maxHits`; at
 *    `summary`/`record` release only `releaseFields(decision.fields, record)`. Honour `decision.duties`:
 *    `approvalRequired` queues a `record` grant for a disclosure officer; `notifyOwnerOnHit`, `handlingCode`
 *    and `retentionDays` travel with the answer and the ledger entry.
 * 5. CLI: `policy check` → `loadBundle` + `bundle.digest` + `policyWarnings` (printed, not fatal); `policy test` → `runPolicyTests`; `policy explain`
 *    → `explainFor(...).text`; `policy sign` → `signBundle(dir, pem)`.
 */
export {
  type LoadOptions,
  type PolicyOfficerJwk,
  bundleDigest,
  loadBundle,
  signBundle,
  verifyBundleSignature,
} from './bundle.js';
export { type CompiledPolicy, type FieldPlan, compilePolicy, minGranularity } from './compile.js';
export {
  type AgencyFacts,
  type CatalogueDataset,
  contextFromTrustList,
  type DatasetFacts,
  type PolicyContext,
} from './context.js';
export {
  type Decision,
  type DecisionDuties,
  evaluate,
  type Facts,
  type QuotaCounters,
  type QuotaIncrement,
  quotaKey,
  REASON_CODES,
  type ReasonCode,
  type RecordFilterPlan,
  recordQuotas,
  releasesRecords,
  type RuleTrace,
  windowStart,
} from './evaluate.js';
export {
  type Audience,
  type DecisionTrace,
  type ExplainQuery,
  type Explanation,
  explain,
  explainFor,
  explanationFor,
  type PeerView,
  type TracedRule,
  toDecisionSummary,
  traceText,
} from './explain.js';
export { PolicyHolder, type ReplaceResult } from './holder.js';
export {
  buildBundle,
  digestOf,
  MANIFEST_FILE,
  normaliseSources,
  type PolicyBundle,
  readBundleSources,
  SIGNATURE_FILE,
  TESTS_DIR,
} from './load.js';
export {
  type Conditions,
  DEFAULT_MAX_HITS,
  DEFAULT_MIN_SCORE,
  type Duties,
  type Grant,
  type NormalisedBundle,
  type Quota,
  type RecordFilter,
  type Rule,
  type RuleSource,
} from './model.js';
export { decideQuery, factsFromQuery, type QueryDecisions } from './query.js';
export { applyTransform, matchesFilter, type PolicyRecord, recordPasses, releaseFields } from './records.js';
export type { PolicySource } from './source.js';
export { policyWarnings } from './warnings.js';
export {
  type CaseResult,
  DEFAULT_TEST_NOW,
  type PolicyTestReport,
  runPolicyTests,
} from './test-runner.js';
