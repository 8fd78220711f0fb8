import { afterEach, describe, expect, it } from 'vitest';
import type { EntityRecord } from '../../contracts/index.js';
import { type Connector, type DatasetSettings, matchQuery } from '../../connectors/index.js';
import { prepareFeatures } from '../../matching/index.js';

export interface Fixture {
  dataset: string;
  settings?: DatasetSettings;
  records: EntityRecord[];
}

/** Build a connector holding exactly these datasets. */
export type ConnectorFactory = (fixtures: Fixture[]) => Promise<Connector>;

const person = (
  id: string,
  attributes: Record<string, string>,
  meta: EntityRecord['meta'] = {},
): EntityRecord => ({
  id,
  kind: 'person',
  attributes,
  meta,
  links: [],
});

export const CASES: Fixture = {
  dataset: 'cases',
  settings: { defaultRegion: 'RO' },
  records: [
    person(
      'p1',
      { givenName: 'Ionuț', familyName: 'Popescu', birthDate: '1981-03-04', phone: '0721 234 567' },
      { recordedAt: '2024-05-01', sensitivity: 'high', flags: ['suspect'] },
    ),
    person(
      'p2',
      { givenName: 'Maria', familyName: 'Ionescu', birthDate: '1990-11-23' },
      { flags: ['victim', 'minor'] },
    ),
    person('p3', { fullName: 'Олександр Шевченко', birthDate: '1975', phone: '+380 67 123 4567' }),
    person('p4', { givenName: 'Maria', familyName: 'Ionescu', birthDate: '1962-01-15' }),
    // A shelter's phone shared by many unrelated people.
    ...Array.from({ length: 30 }, (_, i) =>
      person(`s${i}`, { givenName: `Name${i}`, familyName: `Shelter${i}`, phone: '021 555 1000' }),
    ),
    {
      id: 'a1',
      kind: 'account',
      attributes: { iban: 'RO49 AAAA 1B31 0075 9384 0000' },
      meta: {},
      links: [],
    },
    { id: 'v1', kind: 'vehicle', attributes: { plate: 'B-123-OIL' }, meta: {}, links: [] },
    {
      id: 'o1',
      kind: 'organisation',
      attributes: { name: 'Acme Recruitment S.R.L.', registration: 'J40/1234/2019' },
      meta: {},
      links: [],
    },
  ],
};
export const OTHER: Fixture = {
  dataset: 'other',
  records: [person('x1', { givenName: 'Ionut', familyName: 'Popescu', birthDate: '1981-03-04' })],
};

/** CONVENTIONS §11: one contract suite, run against every connector. */
export function connectorContract(name: string, factory: ConnectorFactory): void {
  describe(`connector contract: ${name}`, () => {
    let c: Connector | undefined;
    const open = async () => {
      c = await factory([CASES, OTHER]);
      return c;
    };
    afterEach(() => {
      c?.close();
      c = undefined;
    });

    it('describes its datasets, kinds and fields', async () => {
      const d = await (await open()).describe();
      expect(d.datasets.map((x) => x.name)).toEqual(['cases', 'other']);
      const cases = d.datasets[0]!;
      expect(cases.records).toBe(CASES.records.length);
      expect(cases.kinds).toEqual(['account', 'organisation', 'person', 'vehicle']);
      expect(cases.fields).toEqual(
        expect.arrayContaining(['givenName', 'familyName', 'birthDate', 'phone', 'iban']),
      );
    });

    it('returns a record with its metadata by reference', async () => {
      const r = await (await open()).get({ dataset: 'cases', id: 'p1' });
      expect(r.record).toEqual(CASES.records[0]);
      expect(r.features.phones).toEqual(['+40721234567']);
    });

    it.each([
      ['unknown id', { dataset: 'cases', id: 'nope' }],
      ['id of another dataset', { dataset: 'other', id: 'p1' }],
      ['unknown dataset', { dataset: 'nope', id: 'p1' }],
      ['SQL metacharacters', { dataset: "cases' OR 1=1 --", id: "p1' OR '1'='1" }],
      ['proto key', { dataset: '__proto__', id: 'constructor' }],
    ])('refuses get() of %s with MOSAIC_ERR_CONNECTOR_NOT_FOUND', async (_n, ref) => {
      await expect((await open()).get(ref)).rejects.toMatchObject({
        code: 'MOSAIC_ERR_CONNECTOR_NOT_FOUND',
        status: 404,
      });
    });

    it('finds candidates through blocking keys, within the asked dataset only', async () => {
      const conn = await open();
      const f = prepareFeatures('person', { fullName: 'Йонуц Попеску', birthDate: '04/03/1981' });
      const set = await conn.candidates({ dataset: 'cases', features: f });
      expect(set.candidates.map((r) => r.ref.id)).toContain('p1');
      expect(set.candidates.every((r) => r.ref.dataset === 'cases')).toBe(true);
      expect(set.candidates.map((r) => r.ref.id)).not.toContain('p3');
      expect(set.tf.total).toBe(CASES.records.length);
      expect(set.tf.count('family', 'popescu')).toBe(1);
    });

    it('skips a generic key and bounds the candidate set', async () => {
      const conn = await open();
      const f = prepareFeatures('phone', { number: '021 555 1000', country: 'RO' });
      const skipped = await conn.candidates(
        { dataset: 'cases', features: f },
        { maxPerKey: 10, maxCandidates: 100 },
      );
      expect(skipped.keysSkipped).toBe(1);
      expect(skipped.candidates).toEqual([]);
      const bounded = await conn.candidates(
        { dataset: 'cases', features: f },
        { maxPerKey: 100, maxCandidates: 5 },
      );
      expect(bounded.candidates).toHaveLength(5);
    });

    it('refuses candidates from an unknown dataset', async () => {
      const conn = await open();
      await expect(
        conn.candidates({ dataset: 'nope', features: prepareFeatures('person', { fullName: 'a b' }) }),
      ).rejects.toMatchObject({ code: 'MOSAIC_ERR_CONNECTOR_UNKNOWN_DATASET' });
    });

    it('reports stats per dataset', async () => {
      const s = await (await open()).stats();
      expect(s.datasets.find((d) => d.name === 'cases')?.records).toBe(CASES.records.length);
    });

    it('answers matchQuery with the issue example: Cyrillic, swapped date, scored with evidence', async () => {
      const conn = await open();
      const r = await matchQuery(
        conn,
        { kind: 'person', selectors: { fullName: 'Йонуц Попеску', birthDate: '1981-04-03' } },
        { datasets: ['cases'] },
      );
      expect(r.hits[0]).toMatchObject({ ref: { dataset: 'cases', id: 'p1' }, kind: 'person' });
      expect(r.hits[0]!.record.meta).toEqual({
        recordedAt: '2024-05-01',
        sensitivity: 'high',
        flags: ['suspect'],
      });
      expect(r.hits[0]!.evidence.map((e) => e.field)).toEqual(['given', 'family', 'dob']);
    });

    it('searches identifiers across kinds: a phone hits the person who uses it', async () => {
      const conn = await open();
      const r = await matchQuery(conn, { kind: 'phone', selectors: { number: '+40 721 234 567' } });
      expect(r.hits.map((h) => h.ref.id)).toEqual(['p1']);
      // Written without a prefix: read in the dataset's default region (RO), as its records were.
      const local = await matchQuery(conn, { kind: 'phone', selectors: { number: '0721 234 567' } });
      expect(local.hits.map((h) => h.ref.id)).toEqual(['p1']);
      const iban = await matchQuery(conn, {
        kind: 'account',
        selectors: { iban: 'ro49aaaa1b31007593840000' },
      });
      expect(iban.hits.map((h) => h.ref.id)).toEqual(['a1']);
      const plate = await matchQuery(conn, { kind: 'vehicle', selectors: { plate: 'B 123 0IL' } });
      expect(plate.hits.map((h) => h.ref.id)).toEqual(['v1']);
      const org = await matchQuery(conn, {
        kind: 'organisation',
        selectors: { name: 'ACME Recruitment SRL' },
      });
      expect(org.hits.map((h) => h.ref.id)).toEqual(['o1']);
    });

    it('bounds hits by maxHits and minScore, sorted best first, across datasets', async () => {
      const conn = await open();
      const q = { kind: 'person' as const, selectors: { givenName: 'Maria', familyName: 'Ionescu' } };
      const all = await matchQuery(conn, q, { includeNonMatches: true });
      const weights = all.hits.map((h) => h.weight);
      expect(weights).toEqual([...weights].sort((a, b) => b - a));
      expect((await matchQuery(conn, q, { maxHits: 1, includeNonMatches: true })).hits).toHaveLength(1);
      expect((await matchQuery(conn, q, { minScore: 1.01 })).hits).toEqual([]);
      // The policy's record filter runs before maxHits: a filtered record does not use up the budget.
      const noVictims = await matchQuery(conn, q, {
        maxHits: 1,
        includeNonMatches: true,
        recordFilter: (r) => !(r.meta.flags ?? []).includes('victim'),
      });
      expect(noVictims.hits.map((h) => h.ref.id)).toEqual(['p4']);
      const both = await matchQuery(conn, {
        kind: 'person',
        selectors: { givenName: 'Ionut', familyName: 'Popescu', birthDate: '1981-03-04' },
      });
      expect(new Set(both.hits.map((h) => h.ref.dataset))).toEqual(new Set(['cases', 'other']));
    });
  });
}
