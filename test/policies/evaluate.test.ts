import { describe, expect, it } from 'vitest';
import type { QueryClaims } from '../../contracts/index.js';
import { decideQuery, evaluate, type Facts, quotaKey, windowStart } from '../../policies/index.js';
import { bundleOf, factsOf, NOW } from './helpers.js';

const none = new Map<string, number>();
const permit = (
  when: Record<string, unknown>,
  grant: Record<string, unknown> = { maxGranularity: 'summary' },
) => ({
  id: 'p',
  effect: 'permit',
  when,
  grant,
});

describe('evaluate: each condition, applied and not applied', () => {
  // [condition, value that matches the default facts (hu-border, HU, jit-danube, …), facts that do not]
  it.each<[string, unknown, Partial<Facts>]>([
    ['agencies', ['hu-border'], { peer: 'at-labour' }],
    ['countries', ['HU', 'RO'], { peer: 'at-labour' }],
    ['groups', ['jit-danube'], { peer: 'at-labour' }],
    ['purposes', ['trafficking-investigation'], { purpose: 'victim-protection' }],
    ['legalBases', ['JIT Danube agreement 2025'], { legalBasis: 'curiosity' }],
    ['subjectKinds', ['person'], { subjectKind: 'phone', dataset: 'phones' }],
    ['selectors', ['fullName', 'birthDate'], { selectors: ['fullName', 'nationality'] }],
    ['datasets', ['persons'], { dataset: 'organisations' }],
  ])('%s', (condition, value, miss) => {
    const bundle = bundleOf([permit({ [condition]: value })]);
    const hit = evaluate(bundle.engine, factsOf(), NOW, none);
    expect(hit).toMatchObject({
      effect: 'permit',
      reasonCode: 'PERMITTED',
      granted: 'summary',
      ruleIds: ['p'],
    });
    const missed = evaluate(bundle.engine, factsOf(miss), NOW, none);
    expect(missed).toMatchObject({
      effect: 'deny',
      reasonCode: 'NO_MATCHING_PERMISSION',
      granted: null,
      ruleIds: [],
    });
  });

  it('an absent legal basis never satisfies a legalBases condition', () => {
    const bundle = bundleOf([permit({ legalBases: ['JIT Danube agreement 2025'] })]);
    const { legalBasis: _omit, ...facts } = factsOf();
    expect(evaluate(bundle.engine, facts, NOW, none).effect).toBe('deny');
  });

  it('conditions within a rule are ANDed', () => {
    const bundle = bundleOf([permit({ groups: ['jit-danube'], purposes: ['victim-protection'] })]);
    expect(evaluate(bundle.engine, factsOf(), NOW, none).effect).toBe('deny');
    expect(evaluate(bundle.engine, factsOf({ purpose: 'victim-protection' }), NOW, none).effect).toBe(
      'permit',
    );
  });

  it('`unless` takes a rule out when all its conditions hold', () => {
    const bundle = bundleOf([
      {
        id: 'p',
        effect: 'permit',
        unless: { agencies: ['hu-border'], purposes: ['victim-protection'] },
        grant: { maxGranularity: 'exists' },
      },
    ]);
    expect(evaluate(bundle.engine, factsOf(), NOW, none).effect).toBe('permit');
    expect(evaluate(bundle.engine, factsOf({ purpose: 'victim-protection' }), NOW, none).effect).toBe('deny');
    expect(
      evaluate(bundle.engine, factsOf({ peer: 'ro-police', purpose: 'victim-protection' }), NOW, none).effect,
    ).toBe('permit');
  });

  it.each<[string, Partial<Facts>]>([
    ['UNKNOWN_PEER', { peer: 'de-bka' }],
    ['UNKNOWN_PURPOSE', { purpose: 'curiosity' }],
    ['UNKNOWN_DATASET', { dataset: 'vehicles' }],
  ])('denies %s even under an unconditional permission', (reason, facts) => {
    const bundle = bundleOf([permit({})]);
    expect(evaluate(bundle.engine, factsOf(facts), NOW, none)).toMatchObject({
      effect: 'deny',
      reasonCode: reason,
    });
  });

  it('denies by default: an empty bundle permits nothing', () => {
    const bundle = bundleOf([]);
    expect(evaluate(bundle.engine, factsOf(), NOW, none)).toMatchObject({
      effect: 'deny',
      reasonCode: 'NO_MATCHING_PERMISSION',
      fields: {},
      recordFilter: { releaseNothing: true },
      policyDigest: bundle.digest,
    });
  });
});

describe('evaluate: combination', () => {
  it('a prohibition wins over any permission and names itself', () => {
    const bundle = bundleOf([
      permit({}, { maxGranularity: 'record', fields: { '*': 'keep' } }),
      { id: 'no-hu', effect: 'prohibit', when: { countries: ['HU'] } },
      { id: 'no-person', effect: 'prohibit', when: { subjectKinds: ['person'] } },
    ]);
    expect(evaluate(bundle.engine, factsOf(), NOW, none)).toMatchObject({
      effect: 'deny',
      reasonCode: 'PROHIBITED',
      ruleIds: ['no-hu', 'no-person'],
      granted: null,
    });
    expect(evaluate(bundle.engine, factsOf({ peer: 'ro-police' }), NOW, none).ruleIds).toEqual(['no-person']);
  });

  it('a record-scoped prohibition withholds records instead of denying', () => {
    const bundle = bundleOf([
      permit({}),
      { id: 'no-victims', effect: 'prohibit', records: { withFlags: ['victim'] } },
    ]);
    const d = evaluate(bundle.engine, factsOf(), NOW, none);
    expect(d).toMatchObject({ effect: 'permit', ruleIds: ['p', 'no-victims'] });
    expect(d.recordFilter.withhold).toEqual([{ withFlags: ['victim'] }]);
  });

  it('permissions are alternatives: the most generous single one is chosen, never a union', () => {
    const bundle = bundleOf([
      { id: 'names', effect: 'permit', grant: { maxGranularity: 'summary', fields: { fullName: 'keep' } } },
      {
        id: 'dates',
        effect: 'permit',
        grant: { maxGranularity: 'summary', fields: { birthDate: 'year-only', city: 'keep' } },
      },
      { id: 'count', effect: 'permit', grant: { maxGranularity: 'count' } },
    ]);
    const d = evaluate(bundle.engine, factsOf(), NOW, none);
    expect(d.ruleIds).toEqual(['dates']);
    expect({ ...d.fields }).toEqual({ birthDate: 'year-only', city: 'keep' });
  });

  it('ranks by granted granularity first, then released fields, then bundle order', () => {
    const bundle = bundleOf([
      { id: 'a', effect: 'permit', grant: { maxGranularity: 'summary', fields: { fullName: 'keep' } } },
      { id: 'b', effect: 'permit', grant: { maxGranularity: 'record', fields: { fullName: 'keep' } } },
      { id: 'c', effect: 'permit', grant: { maxGranularity: 'summary', fields: { city: 'keep' } } },
    ]);
    expect(evaluate(bundle.engine, factsOf({ granularity: 'record' }), NOW, none).ruleIds).toEqual(['b']);
    // Asked summary: all three grant summary and release one field each: the first written wins.
    expect(evaluate(bundle.engine, factsOf({ granularity: 'summary' }), NOW, none).ruleIds).toEqual(['a']);
  });

  it.each([
    ['exists', 'record', 'exists', false],
    ['record', 'summary', 'summary', true],
    ['summary', 'count', 'count', true],
    ['count', 'count', 'count', false],
    ['record', 'exists', 'exists', true],
  ] as const)('asked %s under max %s: granted %s (coarsened %s)', (asked, max, granted, coarsened) => {
    const bundle = bundleOf([permit({}, { maxGranularity: max, fields: { fullName: 'keep' } })]);
    const d = evaluate(bundle.engine, factsOf({ granularity: asked }), NOW, none);
    expect(d).toMatchObject({
      granted,
      coarsened,
      reasonCode: coarsened ? 'PERMITTED_COARSENED' : 'PERMITTED',
    });
    expect(Object.keys(d.fields)).toEqual(['summary', 'record'].includes(granted) ? ['fullName'] : []);
  });

  it('expands `*` to the dataset’s fields, named transforms first, drop removes', () => {
    const bundle = bundleOf([
      permit(
        { datasets: ['persons', 'phones'] },
        { maxGranularity: 'record', fields: { '*': 'mask', nationalId: 'drop', fullName: 'keep' } },
      ),
    ]);
    const persons = evaluate(bundle.engine, factsOf({ granularity: 'record' }), NOW, none).fields;
    expect(persons['fullName']).toBe('keep');
    expect(persons['phone']).toBe('mask');
    expect('nationalId' in persons).toBe(false);
    const phones = evaluate(
      bundle.engine,
      factsOf({ granularity: 'record', subjectKind: 'phone', dataset: 'phones' }),
      NOW,
      none,
    ).fields;
    expect({ ...phones }).toEqual({ number: 'mask', country: 'mask' });
  });
});

describe('evaluate: grants carry thresholds, record filters and duties', () => {
  it('releases no field below record from a permission whose record waits for approval', () => {
    // Without this, asking for `summary` would hand out, unapproved, the very fields the approval protects.
    const bundle = bundleOf([
      {
        id: 'records-with-approval',
        effect: 'permit',
        grant: {
          maxGranularity: 'record',
          fields: { fullName: 'keep', birthDate: 'keep', nationalId: 'keep' },
          duties: { approvalBeforeRecord: true },
        },
      },
      { id: 'summary', effect: 'permit', grant: { maxGranularity: 'summary', fields: { fullName: 'keep' } } },
    ]);
    const summary = evaluate(bundle.engine, factsOf({ granularity: 'summary' }), NOW, none);
    expect(summary).toMatchObject({ granted: 'summary', ruleIds: ['summary'] });
    expect({ ...summary.fields }).toEqual({ fullName: 'keep' });
    const record = evaluate(bundle.engine, factsOf({ granularity: 'record' }), NOW, none);
    expect(record).toMatchObject({
      granted: 'record',
      reasonCode: 'APPROVAL_REQUIRED',
      ruleIds: ['records-with-approval'],
    });
    expect(Object.keys(record.fields).sort()).toEqual(['birthDate', 'fullName', 'nationalId']);
    const alone = bundleOf([bundle.normalised.rules[0]]);
    expect({ ...evaluate(alone.engine, factsOf({ granularity: 'summary' }), NOW, none).fields }).toEqual({});
  });

  it('passes minScore, maxHits and the record filter through, with defaults', () => {
    const bundle = bundleOf([
      {
        id: 'a',
        effect: 'permit',
        records: { ageDays: { max: 365 } },
        grant: { maxGranularity: 'exists', minScore: 0.8, maxHits: 3 },
      },
    ]);
    expect(evaluate(bundle.engine, factsOf(), NOW, none)).toMatchObject({
      thresholds: { minScore: 0.8, maxHits: 3 },
      recordFilter: { releaseNothing: false, release: { ageDays: { max: 365 } }, withhold: [] },
    });
    const dflt = bundleOf([permit({})]);
    expect(evaluate(dflt.engine, factsOf(), NOW, none).thresholds).toEqual({ minScore: 0, maxHits: 50 });
  });

  it.each([
    ['record', true, 'APPROVAL_REQUIRED'],
    ['summary', false, 'PERMITTED_COARSENED'],
  ] as const)('approval before record: asked %s → approvalRequired %s', (asked, approval, reason) => {
    const bundle = bundleOf([
      {
        id: 'a',
        effect: 'permit',
        grant: {
          maxGranularity: 'record',
          duties: {
            approvalBeforeRecord: true,
            notifyOwnerOnHit: true,
            handlingCode: 'H3',
            retentionDays: 30,
          },
        },
      },
    ]);
    const d = evaluate(bundle.engine, factsOf({ granularity: asked }), NOW, none);
    expect(d.duties).toEqual({
      approvalRequired: approval,
      notifyOwnerOnHit: true,
      handlingCode: 'H3',
      retentionDays: 30,
    });
    if (asked === 'record') expect(d.reasonCode).toBe(reason);
    else expect(d.reasonCode).toBe('PERMITTED');
  });
});

describe('evaluate: quotas per peer and period', () => {
  const bundle = bundleOf([
    {
      id: 'wide',
      effect: 'permit',
      grant: { maxGranularity: 'summary', quota: { limit: 2, period: 'day' } },
    },
    { id: 'narrow', effect: 'permit', grant: { maxGranularity: 'exists' } },
  ]);

  it('says which counter to increment, keyed by peer, quota and window', () => {
    const d = evaluate(bundle.engine, factsOf(), NOW, none);
    expect(d.ruleIds).toEqual(['wide']);
    expect(d.quota).toEqual([
      {
        key: 'hu-border|wide|2026-11-29T00:00:00.000Z',
        peer: 'hu-border',
        quotaId: 'wide',
        counts: 'exchanges',
        per: 'peer',
        period: 'day',
        window: '2026-11-29T00:00:00.000Z',
        limit: 2,
        used: 0,
      },
    ]);
  });

  it('falls back to the next permission when a quota is used up, and denies when all are', () => {
    const used = new Map([[quotaKey('hu-border', 'wide', windowStart('day', NOW)), 2]]);
    expect(evaluate(bundle.engine, factsOf(), NOW, used)).toMatchObject({
      effect: 'permit',
      granted: 'exists',
      ruleIds: ['narrow'],
    });
    // Another peer has its own counter.
    expect(evaluate(bundle.engine, factsOf({ peer: 'ro-police' }), NOW, used).ruleIds).toEqual(['wide']);
    // The next day is a new window.
    expect(evaluate(bundle.engine, factsOf(), NOW + 86_400_000, used).ruleIds).toEqual(['wide']);
    const only = bundleOf([
      {
        id: 'wide',
        effect: 'permit',
        grant: { maxGranularity: 'summary', quota: { limit: 2, period: 'day' } },
      },
    ]);
    expect(evaluate(only.engine, factsOf(), NOW, used)).toMatchObject({
      effect: 'deny',
      reasonCode: 'QUOTA_EXCEEDED',
      ruleIds: ['wide'],
    });
  });

  it.each([
    ['hour', '2026-11-29T10:00:00.000Z'],
    ['day', '2026-11-29T00:00:00.000Z'],
    ['week', '2026-11-23T00:00:00.000Z'],
    ['month', '2026-11-01T00:00:00.000Z'],
  ] as const)('the %s window of 2026-11-29T10:00Z (a Sunday) starts at %s', (period, start) => {
    expect(windowStart(period, NOW + 25 * 60_000)).toBe(start);
  });

  it('decideQuery threads quota use across datasets sharing one counter', () => {
    const shared = bundleOf([
      {
        id: 'q',
        effect: 'permit',
        when: { datasets: ['persons', 'organisations'] },
        grant: { maxGranularity: 'exists', quota: { id: 'all', limit: 1, period: 'day' } },
      },
    ]);
    const claims = {
      iss: 'hu-border',
      requester: { id: 'officer-1', role: 'analyst' },
      purpose: 'trafficking-investigation',
      legalBasis: 'x',
      subject: { kind: 'person', selectors: { fullName: 'Ion Popescu' } },
      granularity: 'exists',
      datasets: ['persons', 'organisations'],
    } as unknown as QueryClaims;
    const out = decideQuery(shared.engine, claims, NOW, none);
    expect(out.datasets.map((d) => d.reasonCode)).toEqual(['PERMITTED', 'QUOTA_EXCEEDED']);
    expect(out.overall).toMatchObject({ effect: 'permit', granted: 'exists', ruleIds: ['q'] });
  });

  it('decideQuery without named datasets asks every dataset holding the subject kind', () => {
    const b = bundleOf([permit({})]);
    const claims = {
      iss: 'hu-border',
      requester: { id: 'officer-1', role: 'analyst' },
      purpose: 'trafficking-investigation',
      legalBasis: 'x',
      subject: { kind: 'phone', selectors: { number: '+40721234567' } },
      granularity: 'exists',
    } as unknown as QueryClaims;
    expect(decideQuery(b.engine, claims, NOW, none).datasets.map((d) => d.dataset)).toEqual(['phones']);
    const denied = decideQuery(bundleOf([]).engine, claims, NOW, none);
    expect(denied.overall).toMatchObject({
      effect: 'deny',
      reasonCode: 'NO_MATCHING_PERMISSION',
      granted: null,
    });
  });
});
