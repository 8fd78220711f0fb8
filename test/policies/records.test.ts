import { describe, expect, it } from 'vitest';
import type { EntityRecord, FieldTransform } from '../../contracts/index.js';
import {
  applyTransform,
  evaluate,
  type FieldPlan,
  type PolicyRecord,
  type RecordFilterPlan,
  recordPasses,
  releaseFields,
} from '../../policies/index.js';
import { bundleOf, factsOf, NOW } from './helpers.js';

describe('transforms', () => {
  it.each<[FieldTransform, string, string | undefined]>([
    ['keep', 'Ionut Popescu', 'Ionut Popescu'],
    ['drop', 'Ionut Popescu', undefined],
    ['mask', '+40721234567', '***67'],
    ['mask', 'RO1234', '***34'],
    ['mask', 'ab12', '***'],
    ['mask', '', '***'],
    ['year-only', '1988-03-14', '1988'],
    ['year-only', '1988', '1988'],
    ['year-only', '1988-03', '1988'],
    ['year-only', '14.03.1988', '1988'],
    ['year-only', '3/14/1988', '1988'],
    ['year-only', '14.03.88', undefined],
    ['year-only', 'born 1988', undefined],
    ['year-only', 'unknown', undefined],
    ['truncate:3', 'Bucuresti', 'Buc'],
    ['truncate:20', 'Wien', 'Wien'],
    // Code points, not UTF-16 units: the emoji is not split.
    ['truncate:2', 'a😀b', 'a😀'],
    ['truncate:1', 'Ștefan', 'Ș'],
  ])('%s(%j) = %j', (t, value, out) => {
    expect(applyTransform(t, value)).toBe(out);
  });

  it('releases only planned fields, transformed, into a null-prototype object', () => {
    const plan = Object.freeze(
      Object.assign(Object.create(null), {
        fullName: 'keep',
        birthDate: 'year-only',
        phone: 'mask',
        city: 'keep',
      }),
    ) as FieldPlan;
    const record: PolicyRecord = {
      attributes: {
        fullName: 'Ionut Popescu',
        birthDate: '1988-03-14',
        phone: '+40721234567',
        nationalId: '1880314123456',
      },
    };
    const out = releaseFields(plan, record);
    expect({ ...out }).toEqual({ fullName: 'Ionut Popescu', birthDate: '1988', phone: '***67' });
    expect(Object.getPrototypeOf(out)).toBe(null);
  });

  it('takes the entity model’s records as they are', () => {
    const record: EntityRecord = {
      id: 'p-1',
      kind: 'person',
      attributes: { fullName: 'Ana Ionescu' },
      meta: { recordedAt: '2026-01', sensitivity: 'low', flags: ['victim'], source: 'import' },
      links: [],
    };
    const plan = Object.assign(Object.create(null), { fullName: 'truncate:3' }) as FieldPlan;
    expect({ ...releaseFields(plan, record) }).toEqual({ fullName: 'Ana' });
    expect(recordPasses({ releaseNothing: false, withhold: [{ withFlags: ['victim'] }] }, record, NOW)).toBe(
      false,
    );
  });

  it('does not read inherited attributes', () => {
    const plan = Object.assign(Object.create(null), { toString: 'keep' }) as FieldPlan;
    expect({ ...releaseFields(plan, { attributes: {} }) }).toEqual({});
  });
});

describe('record filters', () => {
  const plan = (
    release: RecordFilterPlan['release'],
    withhold: RecordFilterPlan['withhold'] = [],
  ): RecordFilterPlan => ({
    releaseNothing: false,
    ...(release ? { release } : {}),
    withhold,
  });
  const rec = (meta: PolicyRecord['meta']): PolicyRecord => ({ attributes: {}, ...(meta ? { meta } : {}) });

  it.each<[string, RecordFilterPlan, PolicyRecord, boolean]>([
    ['no filter', plan(undefined), rec(undefined), true],
    ['age within max', plan({ ageDays: { max: 365 } }), rec({ recordedAt: '2026-01-15' }), true],
    ['age over max', plan({ ageDays: { max: 365 } }), rec({ recordedAt: '2025-11-28' }), false],
    ['age under min', plan({ ageDays: { min: 30 } }), rec({ recordedAt: '2026-11-20' }), false],
    [
      'partial date read as first day of the year',
      plan({ ageDays: { max: 365 } }),
      rec({ recordedAt: '2025' }),
      false,
    ],
    ['partial month', plan({ ageDays: { max: 30 } }), rec({ recordedAt: '2026-11' }), true],
    ['no date fails a release age filter', plan({ ageDays: { max: 365 } }), rec({}), false],
    ['sensitivity within', plan({ sensitivity: { max: 'medium' } }), rec({ sensitivity: 'low' }), true],
    ['sensitivity above max', plan({ sensitivity: { max: 'medium' } }), rec({ sensitivity: 'high' }), false],
    ['sensitivity below min', plan({ sensitivity: { min: 'high' } }), rec({ sensitivity: 'medium' }), false],
    [
      'no sensitivity fails a release sensitivity filter',
      plan({ sensitivity: { max: 'high' } }),
      rec({}),
      false,
    ],
    ['required flag present', plan({ withFlags: ['adult'] }), rec({ flags: ['adult'] }), true],
    ['required flag absent', plan({ withFlags: ['adult'] }), rec({ flags: [] }), false],
    ['excluded flag present', plan({ withoutFlags: ['minor'] }), rec({ flags: ['minor', 'victim'] }), false],
    ['excluded flag absent', plan({ withoutFlags: ['minor'] }), rec({ flags: ['victim'] }), true],
    [
      'withheld by a prohibition',
      plan(undefined, [{ withFlags: ['victim'] }]),
      rec({ flags: ['victim'] }),
      false,
    ],
    ['not withheld', plan(undefined, [{ withFlags: ['victim'] }]), rec({ flags: ['minor'] }), true],
    ['no date triggers a withhold age filter', plan(undefined, [{ ageDays: { max: 30 } }]), rec({}), false],
    [
      'no sensitivity triggers a withhold filter',
      plan(undefined, [{ sensitivity: { min: 'restricted' } }]),
      rec({}),
      false,
    ],
    ['deny releases nothing', { releaseNothing: true, withhold: [] }, rec({}), false],
  ])('%s', (_name, p, record, passes) => {
    expect(recordPasses(p, record, NOW)).toBe(passes);
  });

  it('a decision’s filter combines the permission’s release filter and every withholding prohibition', () => {
    const bundle = bundleOf([
      {
        id: 'p',
        effect: 'permit',
        records: { sensitivity: { max: 'high' } },
        grant: { maxGranularity: 'summary', fields: { fullName: 'keep' } },
      },
      {
        id: 'no-victims',
        effect: 'prohibit',
        unless: { purposes: ['victim-protection'] },
        records: { withFlags: ['victim'] },
      },
    ]);
    const victim = {
      attributes: { fullName: 'Elena Marin' },
      meta: { sensitivity: 'medium' as const, flags: ['victim'] },
    };
    const inv = evaluate(bundle.engine, factsOf(), NOW, new Map());
    expect(recordPasses(inv.recordFilter, victim, NOW)).toBe(false);
    const prot = evaluate(bundle.engine, factsOf({ purpose: 'victim-protection' }), NOW, new Map());
    expect(prot.ruleIds).toEqual(['p']);
    expect(recordPasses(prot.recordFilter, victim, NOW)).toBe(true);
    expect({ ...releaseFields(prot.fields, victim) }).toEqual({ fullName: 'Elena Marin' });
  });
});
