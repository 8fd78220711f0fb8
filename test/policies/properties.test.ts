import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GRANULARITIES, type Granularity, granularityRank, type SubjectKind } from '../../contracts/index.js';
import { buildBundle, evaluate, explain, type Facts, quotaKey, windowStart } from '../../policies/index.js';
import { bundleOf, demoContext, MANIFEST, NOW } from './helpers.js';

/**
 * Properties over random policies and random facts (issue 3 acceptance): no permission → deny; a matching
 * prohibition → deny whatever else matches; released fields ⊆ what one matching permission allows; granted
 * never exceeds what was asked or what that permission allows. "Matching" is decided here by a reference
 * reading of the conditions, written independently of the engine.
 */

const AGENCIES = ['ro-police', 'hu-border', 'at-labour', 'nl-fiu'];
const COUNTRIES = ['RO', 'HU', 'AT', 'NL'];
const PURPOSES = ['trafficking-investigation', 'victim-protection', 'financial-intelligence'];
const KINDS: SubjectKind[] = ['person', 'phone'];
const DATASETS = ['persons', 'phones'];
const SELECTORS = ['fullName', 'birthDate', 'number'];
const LEGAL = ['LB-1', 'LB-2'];
const FIELDS = ['*', 'fullName', 'birthDate', 'phone', 'nationalId', 'number', 'country'];
const TRANSFORMS = ['keep', 'mask', 'year-only', 'drop', 'truncate:3'];

type Conds = Record<string, string[]>;
interface RandomRule {
  id: string;
  effect: 'permit' | 'prohibit';
  when?: Conds;
  unless?: Conds;
  records?: { withFlags: string[] };
  grant?: {
    maxGranularity: Granularity;
    fields?: Record<string, string>;
    quota?: { limit: number; period: 'day' };
  };
}

const subset = (xs: string[]) => fc.subarray(xs, { minLength: 1 });
const conditions = fc.record(
  {
    agencies: subset(AGENCIES),
    countries: subset(COUNTRIES),
    groups: fc.constant<string[]>(['jit-danube']),
    purposes: subset(PURPOSES),
    legalBases: subset(LEGAL),
    subjectKinds: subset(KINDS),
    selectors: subset(SELECTORS),
    datasets: subset(DATASETS),
  },
  { requiredKeys: [] },
);
const grant = fc.record(
  {
    maxGranularity: fc.constantFrom(...GRANULARITIES),
    fields: fc.dictionary(fc.constantFrom(...FIELDS), fc.constantFrom(...TRANSFORMS), { maxKeys: 4 }),
    quota: fc.record({ limit: fc.integer({ min: 1, max: 3 }), period: fc.constant('day' as const) }),
  },
  { requiredKeys: ['maxGranularity'] },
);
const ruleArb = (i: number) =>
  fc.oneof(
    fc
      .record({ when: conditions, unless: conditions, grant }, { requiredKeys: ['grant'] })
      .map((r) => ({ id: `p${i}`, effect: 'permit' as const, ...r })),
    fc
      .record(
        { when: conditions, unless: conditions, records: fc.constant({ withFlags: ['victim'] }) },
        { requiredKeys: [] },
      )
      .map((r) => ({ id: `x${i}`, effect: 'prohibit' as const, ...r })),
  );
const SELECTORS_OF: Record<string, string[]> = { person: ['fullName', 'birthDate'], phone: ['number'] };

/** Keep generated rules valid: the loader refuses selectors no listed kind has and fields no dataset has. */
function sanitize(r: RandomRule): RandomRule {
  const fixSelectors = (c: Conds | undefined, kinds: string[]) => {
    if (!c?.['selectors']) return;
    const ok = c['selectors'].filter((s) => kinds.some((k) => SELECTORS_OF[k]!.includes(s)));
    if (ok.length > 0) c['selectors'] = ok;
    else delete c['selectors'];
  };
  fixSelectors(r.when, r.when?.['subjectKinds'] ?? KINDS);
  fixSelectors(r.unless, r.unless?.['subjectKinds'] ?? r.when?.['subjectKinds'] ?? KINDS);
  if (r.unless && Object.keys(r.unless).length === 0) delete r.unless;
  if (r.grant?.fields) {
    const known = new Set((r.when?.['datasets'] ?? DATASETS).flatMap((d) => demoContext.datasets[d]!.fields));
    for (const f of Object.keys(r.grant.fields)) if (f !== '*' && !known.has(f)) delete r.grant.fields[f];
  }
  return r;
}

const rulesArb = fc
  .integer({ min: 0, max: 8 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ruleArb(i))))
  .map((rs) => (rs as RandomRule[]).map(sanitize));
const factsArb: fc.Arbitrary<Facts> = fc.record({
  peer: fc.constantFrom(...AGENCIES),
  purpose: fc.constantFrom(...PURPOSES),
  legalBasis: fc.constantFrom(...LEGAL),
  subjectKind: fc.constantFrom(...KINDS),
  selectors: fc.subarray(SELECTORS),
  granularity: fc.constantFrom(...GRANULARITIES),
  dataset: fc.constantFrom(...DATASETS),
});
/** Some quota counters already spent. */
const usedArb = fc.dictionary(fc.constantFrom('p0', 'p1', 'p2', 'p3'), fc.integer({ min: 0, max: 3 }), {
  maxKeys: 3,
});

/** The reference reading of a rule's conditions (ANDed; `selectors`: every used selector must be listed). */
function holds(c: Conds | undefined, f: Facts): boolean {
  if (!c) return true;
  const peer = demoContext.agencies[f.peer]!;
  const checks: Record<string, (xs: string[]) => boolean> = {
    agencies: (xs) => xs.includes(f.peer),
    countries: (xs) => xs.includes(peer.country),
    groups: (xs) => peer.groups.some((g) => xs.includes(g)),
    purposes: (xs) => xs.includes(f.purpose),
    legalBases: (xs) => f.legalBasis !== undefined && xs.includes(f.legalBasis),
    subjectKinds: (xs) => xs.includes(f.subjectKind),
    selectors: (xs) => (f.selectors ?? []).every((s) => xs.includes(s)),
    datasets: (xs) => xs.includes(f.dataset),
  };
  return Object.entries(c).every(([k, xs]) => checks[k]!(xs));
}
const applies = (r: RandomRule, f: Facts) => holds(r.when, f) && !(r.unless && holds(r.unless, f));

/** What one permission allows on a dataset, field by field (the reference `*` expansion). */
function allowedFields(r: RandomRule, dataset: string): Map<string, string> {
  const out = new Map<string, string>();
  const fields = r.grant?.fields ?? {};
  for (const f of demoContext.datasets[dataset]!.fields) {
    const t = Object.hasOwn(fields, f) ? fields[f] : fields['*'];
    if (t !== undefined && t !== 'drop') out.set(f, t);
  }
  return out;
}

function countersOf(used: Record<string, number>, peer: string) {
  return new Map(Object.entries(used).map(([q, n]) => [quotaKey(peer, q, windowStart('day', NOW)), n]));
}

const rank = granularityRank;

describe('policy engine properties (fast-check)', () => {
  it('no applicable permission → deny', () => {
    fc.assert(
      fc.property(rulesArb, factsArb, usedArb, (rules, facts, used) => {
        const d = evaluate(bundleOf(rules).engine, facts, NOW, countersOf(used, facts.peer));
        if (!rules.some((r) => r.effect === 'permit' && applies(r, facts))) {
          expect(d.effect).toBe('deny');
          expect(d.granted).toBeNull();
          expect(Object.keys(d.fields)).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an applicable query-scoped prohibition → deny, whatever else applies', () => {
    const withProhibition = fc
      .tuple(rulesArb, conditions)
      .map(([rules, when]) => [...rules, sanitize({ id: 'stop', effect: 'prohibit', when })]);
    fc.assert(
      fc.property(withProhibition, factsArb, (rules, facts) => {
        const d = evaluate(bundleOf(rules).engine, facts, NOW, new Map());
        if (applies(rules.at(-1)!, facts)) {
          expect(d).toMatchObject({ effect: 'deny', reasonCode: 'PROHIBITED' });
          expect(d.ruleIds).toContain('stop');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a permit releases only what ONE applicable permission allows, never more than asked or allowed', () => {
    let permits = 0;
    fc.assert(
      fc.property(rulesArb, factsArb, usedArb, (rules, facts, used) => {
        const d = evaluate(bundleOf(rules).engine, facts, NOW, countersOf(used, facts.peer));
        expect(d.granted === null || rank(d.granted) <= rank(facts.granularity)).toBe(true);
        if (d.effect !== 'permit') return;
        permits++;
        expect(d.coarsened).toBe(rank(d.granted!) < rank(facts.granularity));
        const witnesses = rules.filter((r) => {
          if (r.effect !== 'permit' || !applies(r, facts)) return false;
          if (rank(d.granted!) > rank(r.grant!.maxGranularity)) return false;
          const allowed = allowedFields(r, facts.dataset);
          return Object.entries(d.fields).every(([f, t]) => allowed.get(f) === t);
        });
        expect(witnesses.map((w) => w.id)).toContain(d.ruleIds[0]);
        // No field is released below summary.
        if (rank(d.granted!) < rank('summary')) expect(Object.keys(d.fields)).toEqual([]);
      }),
      { numRuns: 500 },
    );
    // Guard against a vacuous pass: the generators must produce permits often enough to test something.
    expect(permits).toBeGreaterThan(50);
  });

  it('the chosen permission is the most generous applicable one with quota left', () => {
    fc.assert(
      fc.property(rulesArb, factsArb, usedArb, (rules, facts, used) => {
        const d = evaluate(bundleOf(rules).engine, facts, NOW, countersOf(used, facts.peer));
        if (
          d.effect !== 'permit' ||
          rules.some((r) => r.effect === 'prohibit' && !r.records && applies(r, facts))
        )
          return;
        const open = rules.filter(
          (r) =>
            r.effect === 'permit' &&
            applies(r, facts) &&
            !(r.grant!.quota && (used[r.id] ?? 0) >= r.grant!.quota.limit),
        );
        const best = Math.max(
          ...open.map((r) => Math.min(rank(facts.granularity), rank(r.grant!.maxGranularity))),
        );
        expect(rank(d.granted!)).toBe(best);
      }),
      { numRuns: 300 },
    );
  });

  it('the traced evaluation (every rule) decides exactly as the indexed one', () => {
    fc.assert(
      fc.property(rulesArb, factsArb, usedArb, (rules, facts, used) => {
        const bundle = bundleOf(rules);
        const counters = countersOf(used, facts.peer);
        const fast = evaluate(bundle.engine, facts, NOW, counters);
        const { decision, trace } = explain(bundle, facts, NOW, counters);
        expect(decision).toEqual(fast);
        expect(trace.rules.map((r) => r.ruleId).sort()).toEqual(rules.map((r) => r.id).sort());
      }),
      { numRuns: 200 },
    );
  });

  it('random bytes never crash the loader: either a bundle or a coded error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          bundleOfText(text);
        } catch (err) {
          expect((err as { code?: string }).code).toBe('MOSAIC_ERR_POLICY_INVALID');
        }
      }),
      { numRuns: 300 },
    );
  });
});

function bundleOfText(text: string) {
  return buildBundle(
    [
      { file: 'bundle.yaml', text: MANIFEST },
      { file: 'x.yaml', text },
    ],
    demoContext,
  );
}
