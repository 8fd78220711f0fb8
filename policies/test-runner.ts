import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  compileSchema,
  type Digest,
  type FieldTransform,
  type Granularity,
  type Issue,
  MosaicError,
  type PolicySensitivity,
  policyCasesSchema,
  type SubjectKind,
} from '../contracts/index.js';
import { type LoadOptions, loadBundle } from './bundle.js';
import type { PolicyContext } from './context.js';
import { type Decision, evaluate, quotaKey, windowStart } from './evaluate.js';
import { type PolicyBundle, TESTS_DIR } from './load.js';
import type { Quota } from './model.js';
import { recordPasses, releaseFields } from './records.js';
import { locate, parseSource } from './source.js';

/**
 * Policy tests (`mosaic policy test`): YAML cases in the bundle's `tests/` directory, each facts in and an
 * expected decision out. Like `opa test --fail-on-empty`, a bundle without cases fails: a policy nobody has
 * tested is not known to do what its authors meant.
 */

interface CaseDoc {
  name: string;
  now?: string;
  facts: {
    peer: string;
    requester?: string;
    purpose: string;
    legalBasis?: string;
    subjectKind: SubjectKind;
    selectors?: string[];
    granularity: Granularity;
    dataset: string;
  };
  quotaUsed?: Record<string, number>;
  record?: {
    attributes: Record<string, string>;
    meta?: { recordedAt?: string; sensitivity?: PolicySensitivity; flags?: string[] };
  };
  expect: {
    effect?: 'permit' | 'deny';
    reason?: string;
    granted?: Granularity | null;
    coarsened?: boolean;
    ruleIds?: string[];
    fields?: Record<string, FieldTransform>;
    approvalRequired?: boolean;
    notifyOwnerOnHit?: boolean;
    maxHits?: number;
    withheld?: boolean;
    released?: Record<string, string>;
  };
}

interface CasesDoc {
  now?: string;
  cases: CaseDoc[];
}

const validateCases = compileSchema<CasesDoc>(policyCasesSchema);

/** When neither the case nor its file says, cases are decided at this instant (so results never drift). */
export const DEFAULT_TEST_NOW = '2026-01-01T00:00:00Z';

export interface CaseResult {
  readonly file: string;
  readonly line: number | undefined;
  readonly name: string;
  readonly passed: boolean;
  /** One line per mismatch: `effect: expected deny, got permit`. */
  readonly failures: readonly string[];
  readonly decision: Decision;
}

export interface PolicyTestReport {
  readonly version: string;
  readonly digest: Digest;
  readonly cases: readonly CaseResult[];
  readonly passed: number;
  readonly failed: number;
  readonly ok: boolean;
}

/**
 * Load the bundle in `dir` and run every case in `dir/tests/`. Throws MOSAIC_ERR_POLICY_INVALID for a bad
 * bundle, MOSAIC_ERR_POLICY_TESTS_INVALID for bad case files (all issues at once) and
 * MOSAIC_ERR_POLICY_TESTS_EMPTY when there is no case at all.
 */
export function runPolicyTests(dir: string, ctx: PolicyContext, options: LoadOptions = {}): PolicyTestReport {
  const bundle = loadBundle(dir, ctx, options);
  const testsDir = join(dir, TESTS_DIR);
  let names: string[] = [];
  try {
    names = readdirSync(testsDir)
      .filter((n) => /\.(ya?ml|json)$/.test(n) && statSync(join(testsDir, n)).isFile())
      .sort();
  } catch {
    names = [];
  }
  const issues: Issue[] = [];
  const loaded: { file: string; doc: CasesDoc; lineOf: (p: string) => number | undefined }[] = [];
  for (const name of names) {
    const file = `${TESTS_DIR}/${name}`;
    const { parsed, issues: parseIssues } = parseSource({
      file,
      text: readFileSync(join(testsDir, name), 'utf8'),
    });
    issues.push(...parseIssues);
    if (!parsed) continue;
    if (!validateCases(parsed.value)) {
      issues.push(...locate(parsed, validateCases.issues()));
      continue;
    }
    const doc = parsed.value;
    doc.cases.forEach((c, i) => {
      for (const q of Object.keys(c.quotaUsed ?? {}))
        if (!quotaNamed(bundle, q))
          issues.push(
            ...locate(parsed, [
              { path: `/cases/${i}/quotaUsed/${q}`, message: `names unknown quota "${q}"` },
            ]),
          );
    });
    loaded.push({ file, doc, lineOf: parsed.lineOf });
  }
  if (issues.length > 0) throw new MosaicError('MOSAIC_ERR_POLICY_TESTS_INVALID', { issues });
  const total = loaded.reduce((n, l) => n + l.doc.cases.length, 0);
  if (total === 0)
    throw new MosaicError('MOSAIC_ERR_POLICY_TESTS_EMPTY', { detail: `no cases under ${testsDir}` });

  const cases: CaseResult[] = [];
  for (const { file, doc, lineOf } of loaded) {
    doc.cases.forEach((c, i) => {
      cases.push(runCase(bundle, c, doc.now, file, lineOf(`/cases/${i}`)));
    });
  }
  const passed = cases.filter((c) => c.passed).length;
  return {
    version: bundle.version,
    digest: bundle.digest,
    cases,
    passed,
    failed: cases.length - passed,
    ok: passed === cases.length,
  };
}

function quotaNamed(bundle: PolicyBundle, quotaId: string): Quota | undefined {
  for (const r of bundle.normalised.rules) {
    const q = r.grant?.quotas?.find((x) => x.id === quotaId);
    if (q) return q;
  }
  return undefined;
}

function runCase(
  bundle: PolicyBundle,
  c: CaseDoc,
  fileNow: string | undefined,
  file: string,
  line: number | undefined,
): CaseResult {
  const now = Date.parse(c.now ?? fileNow ?? DEFAULT_TEST_NOW);
  const counters = new Map<string, number>();
  // `quotaUsed` is the use of the case's peer, or, for a `per: requester` quota, of the case's requester.
  for (const [id, used] of Object.entries(c.quotaUsed ?? {})) {
    const q = quotaNamed(bundle, id)!;
    const requester = q.per === 'requester' ? (c.facts.requester ?? '') : undefined;
    counters.set(quotaKey(c.facts.peer, id, windowStart(q.period, now), requester), used);
  }
  const decision = evaluate(bundle.engine, c.facts, now, counters);
  const failures: string[] = [];
  const e = c.expect;
  const check = (what: string, expected: unknown, actual: unknown) => {
    if (expected !== undefined && JSON.stringify(expected) !== JSON.stringify(actual))
      failures.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  };
  check('effect', e.effect, decision.effect);
  check('reason', e.reason, decision.reasonCode);
  check('granted', e.granted, decision.granted);
  check('coarsened', e.coarsened, decision.coarsened);
  check('ruleIds', e.ruleIds && [...e.ruleIds].sort(), [...decision.ruleIds].sort());
  check('fields', e.fields && sortedObject(e.fields), sortedObject(decision.fields));
  check('approvalRequired', e.approvalRequired, decision.duties.approvalRequired);
  check('notifyOwnerOnHit', e.notifyOwnerOnHit, decision.duties.notifyOwnerOnHit);
  check('maxHits', e.maxHits, decision.thresholds.maxHits);
  if (e.withheld !== undefined || e.released !== undefined) {
    if (!c.record) failures.push('expect.withheld/released needs a `record` in the case');
    else {
      const passes = recordPasses(decision.recordFilter, c.record, now);
      check('withheld', e.withheld, !passes);
      if (e.released !== undefined)
        check(
          'released',
          sortedObject(e.released),
          passes ? sortedObject(releaseFields(decision.fields, c.record)) : null,
        );
    }
  }
  return { file, line, name: c.name, passed: failures.length === 0, failures, decision };
}

function sortedObject(o: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]!]),
  );
}
