import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteConnector } from '../../../connectors/index.js';
import { connectorContract } from '../contract.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

// A real SQLite file per test (CONVENTIONS §10), filled through the same writer the importer uses.
connectorContract('sqlite', async (fixtures) => {
  const c = openSqliteConnector(join(dir, `t${n++}.db`));
  c.transaction(() => {
    for (const f of fixtures) {
      const w = c.writer(f.dataset, f.settings ?? {});
      for (const r of f.records) w.upsert(r);
      w.finish();
    }
  });
  return c;
});

describe('sqlite connector', () => {
  it('uses WAL and survives reopening', async () => {
    const file = join(dir, 'reopen.db');
    const c = openSqliteConnector(file);
    expect(c.db.pragma('journal_mode', { simple: true })).toBe('wal');
    c.transaction(() => {
      const w = c.writer('d');
      w.upsert({ id: 'r1', kind: 'person', attributes: { fullName: 'Ana Pop' }, meta: {}, links: [] });
      w.finish();
    });
    c.close();
    const again = openSqliteConnector(file);
    expect((await again.get({ dataset: 'd', id: 'r1' })).record.attributes).toEqual({ fullName: 'Ana Pop' });
    again.close();
  });

  it('reports an unopenable file as MOSAIC_ERR_CONNECTOR_UNAVAILABLE', () => {
    expect(() => openSqliteConnector(join(dir, 'missing', 'x.db'))).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_CONNECTOR_UNAVAILABLE', status: 503 }),
    );
  });

  it('updates keys and term counts when a record changes, and reports a duplicate id in one writer', async () => {
    const c = openSqliteConnector(join(dir, 'update.db'));
    const rec = (family: string) => ({
      id: 'r1',
      kind: 'person' as const,
      attributes: { givenName: 'Ana', familyName: family },
      meta: {},
      links: [],
    });
    c.transaction(() => {
      const w = c.writer('d');
      expect(w.upsert(rec('Pop'))).toBe('inserted');
      expect(w.upsert(rec('Pop'))).toBe('unchanged');
      expect(w.upsert(rec('Other'))).toBe('conflict');
      w.finish();
    });
    c.transaction(() => {
      const w = c.writer('d');
      expect(w.upsert(rec('Zbarcea'))).toBe('updated');
      w.finish();
    });
    const f = (await c.get({ dataset: 'd', id: 'r1' })).features;
    const set = await c.candidates({ dataset: 'd', features: f });
    expect(set.candidates.map((r) => r.ref.id)).toEqual(['r1']);
    expect(set.tf.count('family', 'zbarcea')).toBe(1);
    expect(set.tf.count('family', 'pop')).toBe(0);
    expect(set.tf.total).toBe(1);
    c.close();
  });
});

describe('sqlite connector: the candidate cache', () => {
  const person = (id: string, given: string, family: string, birthDate = '1990-04-12') => ({
    id,
    kind: 'person' as const,
    attributes: { givenName: given, familyName: family, birthDate },
    meta: {},
    links: [],
  });
  const load = (c: ReturnType<typeof openSqliteConnector>, records: ReturnType<typeof person>[]) =>
    c.transaction(() => {
      const w = c.writer('d');
      for (const r of records) w.upsert(r);
      w.finish();
    });
  const query = {
    given: ['ana'],
    family: ['popescu'],
    dob: { readings: ['1990-04-12'], digits: '19900412' },
  };
  const ids = async (c: ReturnType<typeof openSqliteConnector>) =>
    (await c.candidates({ dataset: 'd', features: { kind: 'person', ...query } })).candidates
      .map((x) => `${x.ref.id}:${x.features.family?.join(' ')}`)
      .sort();

  it('serves the same candidates from memory as from the file, within its bound', async () => {
    const file = join(dir, 'cache-same.db');
    const cached = openSqliteConnector(file, { cacheRecords: 4 });
    load(cached, [
      person('a', 'Ana', 'Popescu'),
      person('b', 'Ana', 'Popesku'),
      person('c', 'Anna', 'Popescu'),
      person('d', 'Ana', 'Popa'),
      person('e', 'Ana', 'Popescu', '1991-04-12'),
    ]);
    const plain = openSqliteConnector(file, { cacheRecords: 0 });
    const expected = await ids(plain);
    expect(expected.length).toBeGreaterThanOrEqual(4);
    expect(await ids(cached)).toEqual(expected);
    expect(await ids(cached)).toEqual(expected);
    expect(cached.cachedRecords).toBeGreaterThan(0);
    expect(cached.cachedRecords).toBeLessThanOrEqual(4);
    expect(plain.cachedRecords).toBe(0);
    cached.close();
    plain.close();
  });

  it("sees another connection's import at once (data_version), and its own writes", async () => {
    const file = join(dir, 'cache-fresh.db');
    const node = openSqliteConnector(file);
    load(node, [person('a', 'Ana', 'Popescu')]);
    expect(await ids(node)).toEqual(['a:popescu']);
    // Another process (here another connection, as `mosaic import` would be) changes a cached record and
    // adds one: the node must not answer from its stale copy.
    const importer = openSqliteConnector(file);
    load(importer, [person('a', 'Ana', 'Popescu-Ionescu'), person('b', 'Ana', 'Popesku')]);
    importer.close();
    expect(await ids(node)).toEqual(['a:popescu ionescu', 'b:popesku']);
    const counted = await node.candidates({ dataset: 'd', features: { kind: 'person', ...query } });
    expect(counted.tf.total).toBe(2);
    // Its own writer drops the cache too.
    load(node, [person('a', 'Ana', 'Pop')]);
    expect(await ids(node)).toEqual(['a:pop', 'b:popesku']);
    node.close();
  });
});
