import { describe, expect, it } from 'vitest';
import type { Subject } from '../../contracts/index.js';
import { MemoryConnector, matchQuery, subjectFeatures } from '../../connectors/index.js';
import { HOSTILE } from '../matching/hostile.js';
import { CASES } from './contract.js';

const conn = new MemoryConnector();
conn.load(CASES.dataset, CASES.records, CASES.settings ?? {});

describe('matchQuery with untrusted subjects', () => {
  it.each([
    ['unknown kind', { kind: 'ghost', selectors: { x: 'y' } }],
    ['no selectors', { kind: 'person' }],
    ['non-string selector', { kind: 'person', selectors: { fullName: 42 } }],
    ['only punctuation', { kind: 'person', selectors: { fullName: '!!! ---' } }],
    ['empty', { kind: 'email', selectors: { address: '' } }],
    ['invisible only', { kind: 'person', selectors: { fullName: '\u200B\u202E\uFEFF' } }],
  ])('rejects %s with MOSAIC_ERR_MATCH_SUBJECT_INVALID', async (_n, subject) => {
    await expect(matchQuery(conn, subject as unknown as Subject)).rejects.toMatchObject({
      code: 'MOSAIC_ERR_MATCH_SUBJECT_INVALID',
      status: 400,
    });
  });

  it('rejects an over-long selector with MOSAIC_ERR_MATCH_SELECTOR_TOO_LARGE', async () => {
    await expect(
      matchQuery(conn, { kind: 'person', selectors: { fullName: 'a'.repeat(257) } }),
    ).rejects.toMatchObject({ code: 'MOSAIC_ERR_MATCH_SELECTOR_TOO_LARGE', status: 413 });
  });

  it.each(HOSTILE.filter(([, v]) => v.length <= 256 && /[a-z]/i.test(v)))(
    'answers a hostile but valid name (%s) without throwing',
    async (_n, v) => {
      const r = await matchQuery(conn, { kind: 'person', selectors: { fullName: v } });
      expect(Array.isArray(r.hits)).toBe(true);
    },
  );

  it('does not let __proto__ selectors reach the prototype', () => {
    const f = subjectFeatures(
      JSON.parse('{"kind":"person","selectors":{"__proto__":"x","fullName":"Ana Pop"}}'),
    );
    expect(f.family).toEqual(['pop']);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('down-weights a generic phone: a shelter number is not a strong link', async () => {
    const r = await matchQuery(
      conn,
      { kind: 'phone', selectors: { number: '021 555 1000', country: 'RO' } },
      { includeNonMatches: true, maxHits: 50 },
    );
    expect(r.hits.length).toBeGreaterThan(0);
    for (const h of r.hits) {
      expect(h.evidence[0]).toMatchObject({ field: 'phone', level: 'generic', generic: true });
      expect(h.band).not.toBe('match');
    }
  });
});
