import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateResponseClaims } from '../../contracts/index.js';
import {
  evaluate,
  explain,
  explainFor,
  explanationFor,
  loadBundle,
  toDecisionSummary,
} from '../../policies/index.js';
import { bundleOf, demoContext, EXAMPLES, factsOf, NOW } from './helpers.js';

const bundle = bundleOf([
  { id: 'members', effect: 'permit', grant: { maxGranularity: 'exists' } },
  {
    id: 'jit',
    effect: 'permit',
    when: { groups: ['jit-danube'] },
    grant: { maxGranularity: 'summary', fields: { fullName: 'keep' } },
  },
  { id: 'no-fiu', effect: 'prohibit', when: { agencies: ['nl-fiu'] } },
  { id: 'no-victims', effect: 'prohibit', records: { withFlags: ['victim'] } },
]);

describe('explanations', () => {
  it('traces every rule with the condition that decided, in bundle order', () => {
    const { trace } = explain(bundle, factsOf({ peer: 'at-labour' }), NOW);
    expect(trace.rules.map((r) => [r.ruleId, r.outcome])).toEqual([
      ['members', 'selected'],
      ['jit', 'not-applicable'],
      ['no-fiu', 'not-applicable'],
      ['no-victims', 'withholds-records'],
    ]);
    expect(trace.rules[1]).toMatchObject({
      file: 'rules.json',
      line: 1,
      condition: { name: 'groups', expected: ['jit-danube'], actual: '(none)' },
    });
    expect(trace.peer).toEqual({ country: 'AT', groups: [] });
    expect(trace.decision).toMatchObject({
      effect: 'permit',
      granted: 'exists',
      reasonCode: 'PERMITTED_COARSENED',
    });
  });

  it('renders the trace as text a lawyer can follow', () => {
    const { trace } = explain(bundle, factsOf(), NOW);
    const text = explanationFor('auditor', evaluate(bundle.engine, factsOf(), NOW, new Map()), trace);
    if (text.audience !== 'auditor') throw new Error('unreachable');
    expect(text.text).toContain('permit jit [rules.json:1]: applies and is chosen: grants summary');
    expect(text.text).toContain(
      'permit members [rules.json:1]: applies but another permission is more generous (would grant exists)',
    );
    expect(text.text).toContain(
      'prohibit no-fiu [rules.json:1]: does not apply: agencies is hu-border, the rule wants nl-fiu',
    );
    expect(text.text).toMatch(/→ permit summary, reason PERMITTED, by jit, no-victims; fields: fullName$/);
  });

  it('gives each audience only its share', () => {
    const facts = factsOf({ peer: 'nl-fiu' });
    const { decision, trace } = explain(bundle, facts, NOW);
    expect(explanationFor('peer', decision)).toEqual({ audience: 'peer', reasonCode: 'PROHIBITED' });
    expect(explanationFor('operator', decision)).toEqual({
      audience: 'operator',
      reasonCode: 'PROHIBITED',
      ruleIds: ['no-fiu'],
      policyDigest: bundle.digest,
    });
    expect(explanationFor('auditor', decision, trace)).toMatchObject({
      audience: 'auditor',
      trace,
      ruleIds: ['no-fiu'],
    });
    // Misuse, not bad input: asking for the auditor view without a trace is a programming error.
    expect(() => (explanationFor as (a: string, d: typeof decision) => unknown)('auditor', decision)).toThrow(
      TypeError,
    );
  });

  it('builds the response decision summary; the peer view has no rule ids and fits the response schema', () => {
    const d = evaluate(bundle.engine, factsOf(), NOW, new Map());
    const peer = toDecisionSummary(d, 'peer');
    expect(peer).toEqual({
      effect: 'permit',
      reasonCode: 'PERMITTED',
      ruleIds: [],
      granted: 'summary',
      coarsened: false,
      policyDigest: bundle.digest,
    });
    expect(toDecisionSummary(d, 'operator').ruleIds).toEqual(['jit', 'no-victims']);
    const response = {
      iss: 'ro-police',
      aud: 'hu-border',
      iat: 1_790_000_000,
      jti: 'AAAAAAAAAAAAAAAAAAAAAA',
      queryJti: 'BBBBBBBBBBBBBBBBBBBBBB',
      queryDigest: bundle.digest,
      decision: peer,
      results: [{ dataset: 'persons', decision: peer, exists: true }],
      receipt: null,
    };
    expect(validateResponseClaims(response), JSON.stringify(validateResponseClaims.issues())).toBe(true);
  });

  it('explainFor: what a peer would see of each dataset holding the subject kind, and why', () => {
    const atLabour = loadBundle(join(EXAMPLES, 'at-labour'), demoContext);
    const view = explainFor(
      { peer: 'hu-border', purpose: 'trafficking-investigation', subjectKind: 'person' },
      atLabour,
      demoContext,
      NOW,
    );
    expect(view.datasets.map((d) => [d.dataset, d.decision.granted, d.decision.reasonCode])).toEqual([
      ['persons', 'summary', 'PERMITTED_COARSENED'],
    ]);
    expect(view.text).toContain('records-with-approval');
    expect(view.text).toContain('legalBases is (not given)');
    const withBasis = explainFor(
      {
        peer: 'hu-border',
        purpose: 'trafficking-investigation',
        subjectKind: 'organisation',
        legalBasis: 'Directive 2011/36/EU Art. 9',
      },
      atLabour,
      demoContext,
      NOW,
    );
    expect(withBasis.datasets[0]?.decision).toMatchObject({
      dataset: 'organisations',
      granted: 'record',
      reasonCode: 'APPROVAL_REQUIRED',
    });
    const one = explainFor(
      { peer: 'de-bka', purpose: 'trafficking-investigation', subjectKind: 'person', dataset: 'persons' },
      atLabour,
      demoContext,
      NOW,
    );
    expect(one.datasets[0]?.decision.reasonCode).toBe('UNKNOWN_PEER');
    expect(one.text).toContain('(not in the trust list)');
  });
});
