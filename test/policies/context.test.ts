import { describe, expect, it } from 'vitest';
import type { TrustList } from '../../contracts/index.js';
import { bundleOf, factsOf, NOW } from './helpers.js';
import { contextFromTrustList, evaluate } from '../../policies/index.js';

describe('policy context from the trust list and the catalogue', () => {
  const trustList = {
    purposes: ['trafficking-investigation'],
    members: [
      { agencyId: 'ro-police', country: 'RO', groups: ['jit-danube'] },
      { agencyId: 'hu-border', country: 'HU', groups: [] },
    ],
  } as unknown as TrustList;
  const ctx = contextFromTrustList(trustList, [
    { name: 'persons', kinds: ['person'], fields: ['fullName', 'birthDate'] },
  ]);

  it('takes agencies, countries, groups and purposes from the trust list, datasets from the catalogue', () => {
    expect({ ...ctx.agencies }).toEqual({
      'ro-police': { country: 'RO', groups: ['jit-danube'] },
      'hu-border': { country: 'HU', groups: [] },
    });
    expect(ctx.purposes).toEqual(['trafficking-investigation']);
    expect({ ...ctx.datasets }).toEqual({
      persons: { kinds: ['person'], fields: ['fullName', 'birthDate'] },
    });
  });

  it('answers for own entries only, so `__proto__` or `toString` are never agencies', () => {
    const bundle = bundleOf([{ id: 'p', effect: 'permit', grant: { maxGranularity: 'exists' } }], ctx);
    for (const peer of ['__proto__', 'toString', 'constructor'])
      expect(evaluate(bundle.engine, factsOf({ peer }), NOW, new Map()).reasonCode).toBe('UNKNOWN_PEER');
    expect(() =>
      bundleOf(
        [
          {
            id: 'p',
            effect: 'permit',
            when: { agencies: ['constructor'] },
            grant: { maxGranularity: 'exists' },
          },
        ],
        ctx,
      ),
    ).toThrow(expect.objectContaining({ code: 'MOSAIC_ERR_POLICY_INVALID' }));
  });
});
