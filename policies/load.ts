import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  canonicalDigest,
  compileSchema,
  type Digest,
  type Issue,
  MosaicError,
  type PolicyConditionsDoc,
  type PolicyFileDoc,
  type PolicyManifestDoc,
  type PolicyQuotaDoc,
  type PolicyRecordFilterDoc,
  type PolicyRuleDoc,
  POLICY_SENSITIVITIES,
  policyFileSchema,
  policyManifestSchema,
  SELECTORS_BY_KIND,
  SUBJECT_KINDS,
} from '../contracts/index.js';
import { type CompiledPolicy, compilePolicy } from './compile.js';
import { lookup, type PolicyContext } from './context.js';
import {
  type Conditions,
  DEFAULT_MAX_HITS,
  DEFAULT_MIN_SCORE,
  type Grant,
  type NormalisedBundle,
  type Quota,
  type RecordFilter,
  type Rule,
  type RuleSource,
} from './model.js';
import { locate, type ParsedSource, type PolicySource, parseSource } from './source.js';

const validateFile = compileSchema<PolicyFileDoc>(policyFileSchema);
const validateManifest = compileSchema<PolicyManifestDoc>(policyManifestSchema);

/** The manifest that makes a directory a bundle; every other top-level .yaml/.yml/.json file is a policy file. */
export const MANIFEST_FILE = 'bundle.yaml';
/** The detached signature written by `signBundle`. */
export const SIGNATURE_FILE = 'bundle.jws';
/** Policy test cases live in this sub-directory of the bundle. */
export const TESTS_DIR = 'tests';
const MAX_FILES = 256;
const POLICY_FILE = /\.(ya?ml|json)$/;

/** A loaded, validated, compiled bundle. Immutable; replace it as a whole. */
export interface PolicyBundle {
  readonly version: string;
  readonly owner: string | undefined;
  /** `sha256:` of the RFC 8785 form of the normalised bundle; every decision carries it. */
  readonly digest: Digest;
  readonly normalised: NormalisedBundle;
  readonly sources: ReadonlyMap<string, RuleSource>;
  readonly context: PolicyContext;
  readonly engine: CompiledPolicy;
  /** `kid` of the policy-officer key whose signature was verified, if one was required. */
  readonly signedBy: string | undefined;
}

/**
 * Validate sources against the closed schemas and normalise them, without the federation context. This is
 * what the digest (and so a signature) covers; `buildBundle` adds the context checks.
 */
export function normaliseSources(sources: readonly PolicySource[]): {
  normalised?: NormalisedBundle;
  ruleSources: Map<string, RuleSource>;
  docs: { parsed: ParsedSource; entries: (readonly [number, PolicyRuleDoc])[] }[];
  manifest?: ParsedSource;
  issues: Issue[];
} {
  const issues: Issue[] = [];
  const ruleSources = new Map<string, RuleSource>();
  const docs: { parsed: ParsedSource; entries: (readonly [number, PolicyRuleDoc])[] }[] = [];
  const sorted = [...sources].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const manifestSrc = sorted.find((s) => baseName(s.file) === MANIFEST_FILE);
  let manifest: PolicyManifestDoc | undefined;
  let manifestParsed: ParsedSource | undefined;
  if (!manifestSrc) {
    issues.push({
      file: MANIFEST_FILE,
      path: '',
      message: 'is missing: a bundle needs a manifest with a version',
    });
  } else {
    const { parsed, issues: parseIssues } = parseSource(manifestSrc);
    issues.push(...parseIssues);
    if (parsed) {
      manifestParsed = parsed;
      if (validateManifest(parsed.value)) manifest = parsed.value;
      else issues.push(...locate(parsed, validateManifest.issues()));
    }
  }
  const policySources = sorted.filter((s) => s !== manifestSrc);
  if (policySources.length === 0) issues.push({ path: '', message: 'the bundle has no policy files' });

  const seen = new Map<string, { file: string; line: number | undefined }>();
  const rules: Rule[] = [];
  for (const src of policySources) {
    const { parsed, issues: parseIssues } = parseSource(src);
    issues.push(...parseIssues);
    if (!parsed) continue;
    // Rules that pass the schema are checked further even when a sibling does not, so one pass over the
    // bundle reports every problem (CONVENTIONS §6).
    const schemaIssues = validateFile(parsed.value) ? [] : validateFile.issues();
    issues.push(...locate(parsed, schemaIssues));
    const value = parsed.value as { rules?: unknown } | null;
    if (value === null || typeof value !== 'object' || !Array.isArray(value.rules)) continue;
    const badRules = new Set(
      schemaIssues.map((i) => /^\/rules\/(\d+)(?:\/|$)/.exec(i.path)?.[1]).filter((x) => x !== undefined),
    );
    const entries = (value.rules as PolicyRuleDoc[])
      .map((r, i) => [i, r] as const)
      .filter(([i]) => !badRules.has(String(i)));
    docs.push({ parsed, entries });
    for (const [i, r] of entries) {
      const at = (path: string, message: string) => issues.push(...locate(parsed, [{ path, message }]));
      const base = `/rules/${i}`;
      const line = parsed.lineOf(base);
      const first = seen.get(r.id);
      if (first) {
        at(`${base}/id`, `duplicates rule id "${r.id}" first declared in ${first.file}:${first.line ?? '?'}`);
        continue;
      }
      seen.set(r.id, { file: src.file, line });
      const before = issues.length;
      checkShape(r, base, at);
      if (issues.length > before) continue;
      rules.push(normaliseRule(r));
      ruleSources.set(r.id, {
        file: src.file,
        line,
        ...(r.description === undefined ? {} : { description: r.description }),
      });
    }
  }
  checkQuotas(rules, ruleSources, issues);
  const withManifest = manifestParsed ? { manifest: manifestParsed } : {};
  if (issues.length > 0 || !manifest) return { ruleSources, docs, ...withManifest, issues };
  const normalised: NormalisedBundle = deepFreeze({
    format: 'mosaic-policy/1',
    version: manifest.version,
    ...(manifest.owner === undefined ? {} : { owner: manifest.owner }),
    rules,
  });
  return { normalised, ruleSources, docs, ...withManifest, issues };
}

/** The digest of a bundle's normalised form (RFC 8785 + SHA-256). */
export function digestOf(normalised: NormalisedBundle): Digest {
  return canonicalDigest(normalised);
}

/**
 * Validate, check against the context, normalise and compile. All problems of all files are collected and
 * thrown together as one MOSAIC_ERR_POLICY_INVALID; nothing is returned unless everything is valid.
 */
export function buildBundle(
  sources: readonly PolicySource[],
  ctx: PolicyContext,
  signedBy?: string,
): PolicyBundle {
  const { normalised, ruleSources, docs, manifest, issues } = normaliseSources(sources);
  for (const { parsed, entries } of docs) {
    for (const [i, r] of entries) {
      const at = (path: string, message: string) => issues.push(...locate(parsed, [{ path, message }]));
      checkAgainstContext(r, `/rules/${i}`, ctx, at);
    }
  }
  if (manifest && normalised?.owner !== undefined && !lookup(ctx.agencies, normalised.owner))
    issues.push(
      ...locate(manifest, [{ path: '/owner', message: `names unknown agency "${normalised.owner}"` }]),
    );
  if (issues.length > 0 || !normalised) throw new MosaicError('MOSAIC_ERR_POLICY_INVALID', { issues });
  const digest = digestOf(normalised);
  return Object.freeze({
    version: normalised.version,
    owner: normalised.owner,
    digest,
    normalised,
    sources: ruleSources,
    context: ctx,
    engine: compilePolicy(normalised, ctx, digest),
    signedBy,
  });
}

/** Read a bundle directory's manifest and policy files (not its tests or signature). */
export function readBundleSources(dir: string): PolicySource[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new MosaicError('MOSAIC_ERR_POLICY_NOT_FOUND', { detail: `cannot read ${dir}`, cause: err });
  }
  const files = names.filter((n) => POLICY_FILE.test(n) && statSync(join(dir, n)).isFile());
  if (!files.includes(MANIFEST_FILE)) {
    throw new MosaicError('MOSAIC_ERR_POLICY_NOT_FOUND', {
      detail: `${dir} has no ${MANIFEST_FILE}`,
      issues: [
        { file: MANIFEST_FILE, path: '', message: 'is missing: a bundle needs a manifest with a version' },
      ],
    });
  }
  if (files.length > MAX_FILES) {
    throw new MosaicError('MOSAIC_ERR_POLICY_INVALID', {
      issues: [{ path: '', message: `the bundle has more than ${MAX_FILES} files` }],
    });
  }
  return files.map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
}

function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i < 0 ? file : file.slice(i + 1);
}

type At = (path: string, message: string) => void;

/** Checks the schema cannot express: relations between values. */
function checkShape(r: PolicyRuleDoc, base: string, at: At): void {
  if (r.effect === 'permit' && r.grant === undefined)
    at(`${base}/grant`, 'is required: a permission must say what it grants (at least maxGranularity)');
  if (r.effect === 'prohibit' && r.grant !== undefined)
    at(`${base}/grant`, 'is not allowed: a prohibition grants nothing');
  if (r.records) checkFilter(r.records, `${base}/records`, at);
  if (r.grant?.quota !== undefined && r.grant.quotas !== undefined)
    at(`${base}/grant/quotas`, 'is not allowed with `quota`: list every quota of the grant under `quotas`');
  const ids = new Map<string, number>();
  quotasOf(r).forEach((q, i) => {
    const first = ids.get(q.id);
    if (first === undefined) ids.set(q.id, i);
    else
      at(
        `${base}/grant/quotas/${i}`,
        `uses quota id "${q.id}" like quotas/${first}: give each quota of the grant its own id`,
      );
  });
}

/** A rule's quotas with defaults filled: `quota` is a list of one whose id defaults to the rule id. */
function quotasOf(r: PolicyRuleDoc): Quota[] {
  const fill = (q: PolicyQuotaDoc, defaultId: (counts: string, per: string) => string): Quota => {
    const counts = q.counts ?? 'exchanges';
    const per = q.per ?? 'peer';
    return { id: q.id ?? defaultId(counts, per), limit: q.limit, period: q.period, counts, per };
  };
  if (r.grant?.quota) return [fill(r.grant.quota, () => r.id)];
  return (r.grant?.quotas ?? []).map((q) => fill(q, (counts, per) => `${r.id}.${counts}.${per}`));
}

function checkFilter(f: PolicyRecordFilterDoc, base: string, at: At): void {
  const { ageDays, sensitivity } = f;
  if (ageDays?.min !== undefined && ageDays.max !== undefined && ageDays.min > ageDays.max)
    at(`${base}/ageDays`, `is a contradictory range: min ${ageDays.min} > max ${ageDays.max}`);
  if (sensitivity?.min !== undefined && sensitivity.max !== undefined) {
    if (POLICY_SENSITIVITIES.indexOf(sensitivity.min) > POLICY_SENSITIVITIES.indexOf(sensitivity.max))
      at(`${base}/sensitivity`, `is a contradictory range: min ${sensitivity.min} > max ${sensitivity.max}`);
  }
  const both = (f.withFlags ?? []).filter((x) => (f.withoutFlags ?? []).includes(x));
  if (both.length > 0) at(`${base}/withoutFlags`, `contradicts withFlags: ${both.join(', ')} in both`);
}

function checkQuotas(
  rules: readonly Rule[],
  sources: ReadonlyMap<string, RuleSource>,
  issues: Issue[],
): void {
  const byId = new Map<string, { rule: Rule; quota: Quota }>();
  for (const r of rules) {
    for (const q of r.grant?.quotas ?? []) {
      const other = byId.get(q.id);
      if (!other) {
        byId.set(q.id, { rule: r, quota: q });
        continue;
      }
      const o = other.quota;
      if (o.limit === q.limit && o.period === q.period && o.counts === q.counts && o.per === q.per) continue;
      const src = sources.get(r.id);
      issues.push({
        ...(src ? { file: src.file, ...(src.line === undefined ? {} : { line: src.line }) } : {}),
        path: '',
        message: `rule "${r.id}" shares quota "${q.id}" with rule "${other.rule.id}" but with another limit, period, counts or per`,
      });
    }
  }
}

/** Every name a rule uses must exist in the federation or the catalogue. */
function checkAgainstContext(r: PolicyRuleDoc, base: string, ctx: PolicyContext, at: At): void {
  const allGroups = new Set(Object.values(ctx.agencies).flatMap((a) => a.groups));
  const allCountries = new Set(Object.values(ctx.agencies).map((a) => a.country));
  const purposes = new Set(ctx.purposes);
  const check = (c: PolicyConditionsDoc | undefined, p: string) => {
    if (!c) return;
    c.agencies?.forEach((a, i) => {
      if (!lookup(ctx.agencies, a))
        at(`${p}/agencies/${i}`, `names unknown agency "${a}" (not in the trust list)`);
    });
    c.countries?.forEach((x, i) => {
      if (!allCountries.has(x))
        at(`${p}/countries/${i}`, `names country "${x}" where the trust list has no member`);
    });
    c.groups?.forEach((g, i) => {
      if (!allGroups.has(g))
        at(`${p}/groups/${i}`, `names unknown group "${g}" (no member of the trust list is in it)`);
    });
    c.purposes?.forEach((x, i) => {
      if (!purposes.has(x))
        at(`${p}/purposes/${i}`, `names unknown purpose "${x}" (not in the federation vocabulary)`);
    });
    c.datasets?.forEach((d, i) => {
      if (!lookup(ctx.datasets, d))
        at(`${p}/datasets/${i}`, `names unknown dataset "${d}" (not in the catalogue)`);
    });
    const kinds = c.subjectKinds ?? r.when?.subjectKinds ?? SUBJECT_KINDS;
    const selectors = new Set(kinds.flatMap((k) => SELECTORS_BY_KIND[k]));
    c.selectors?.forEach((s, i) => {
      if (!selectors.has(s))
        at(`${p}/selectors/${i}`, `names selector "${s}" that no subject kind ${kinds.join('/')} has`);
    });
  };
  check(r.when, `${base}/when`);
  check(r.unless, `${base}/unless`);
  const fields = r.grant?.fields;
  if (fields) {
    const datasets = r.when?.datasets ?? Object.keys(ctx.datasets);
    const known = new Set(datasets.flatMap((d) => lookup(ctx.datasets, d)?.fields ?? []));
    for (const f of Object.keys(fields)) {
      if (f !== '*' && !known.has(f))
        at(
          `${base}/grant/fields/${f}`,
          `names field "${f}" that datasets ${datasets.join(', ')} do not have`,
        );
    }
  }
}

function sortedSet<T extends string>(xs: readonly T[] | undefined): T[] | undefined {
  return xs === undefined ? undefined : [...new Set(xs)].sort();
}

function normaliseConditions(c: PolicyConditionsDoc | undefined): Conditions {
  const out: Record<string, readonly string[]> = {};
  if (!c) return out;
  for (const key of [
    'agencies',
    'countries',
    'groups',
    'purposes',
    'legalBases',
    'subjectKinds',
    'selectors',
    'datasets',
  ] as const) {
    const v = sortedSet(c[key]);
    if (v !== undefined) out[key] = v;
  }
  return out as Conditions;
}

function normaliseFilter(f: PolicyRecordFilterDoc): RecordFilter {
  const withFlags = sortedSet(f.withFlags);
  const withoutFlags = sortedSet(f.withoutFlags);
  return {
    ...(f.ageDays === undefined ? {} : { ageDays: { ...f.ageDays } }),
    ...(f.sensitivity === undefined ? {} : { sensitivity: { ...f.sensitivity } }),
    ...(withFlags === undefined ? {} : { withFlags }),
    ...(withoutFlags === undefined ? {} : { withoutFlags }),
  };
}

function normaliseRule(r: PolicyRuleDoc): Rule {
  let grant: Grant | undefined;
  if (r.grant) {
    const g = r.grant;
    // Null prototype: field names are operator-written keys, later used as lookups.
    const fields: Record<string, Grant['fields'][string]> = Object.create(null);
    for (const k of Object.keys(g.fields ?? {}).sort()) fields[k] = g.fields![k]!;
    // A set: sorted by id so the order they are listed in does not change the digest.
    const quotas = quotasOf(r).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    grant = {
      maxGranularity: g.maxGranularity,
      fields,
      minScore: g.minScore ?? DEFAULT_MIN_SCORE,
      maxHits: g.maxHits ?? DEFAULT_MAX_HITS,
      ...(quotas.length === 0 ? {} : { quotas }),
      duties: {
        approvalBeforeRecord: g.duties?.approvalBeforeRecord ?? false,
        notifyOwnerOnHit: g.duties?.notifyOwnerOnHit ?? false,
        ...(g.duties?.handlingCode === undefined ? {} : { handlingCode: g.duties.handlingCode }),
        ...(g.duties?.retentionDays === undefined ? {} : { retentionDays: g.duties.retentionDays }),
      },
    };
  }
  return {
    id: r.id,
    effect: r.effect,
    when: normaliseConditions(r.when),
    ...(r.unless === undefined ? {} : { unless: normaliseConditions(r.unless) }),
    ...(r.records === undefined ? {} : { records: normaliseFilter(r.records) }),
    ...(grant === undefined ? {} : { grant }),
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
