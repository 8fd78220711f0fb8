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
