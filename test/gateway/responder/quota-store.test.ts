import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { QuotaIncrement } from '../../../policies/index.js';
import { QuotaStore } from '../../../gateway/responder/quota-store.js';

// Real SQLite files (WAL, as node.db).
const dir = mkdtempSync(join(tmpdir(), 'mosaic-quota-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const open = () => {
  const db = new Database(join(dir, `n${n++}.db`));
  db.pragma('journal_mode = WAL');
  return new QuotaStore(db);
};
const WINDOW = '2026-11-29T00:00:00.000Z';
const inc = (key: string, limit: number, counts: 'records' | 'exchanges' = 'records'): QuotaIncrement => ({
  key,
  peer: 'hu-border',
  quotaId: key,
  counts,
  per: 'peer',
  period: 'day',
  window: WINDOW,
  limit,
  used: 0,
});

describe('QuotaStore', () => {
  it('take: as many as the fullest quota has left, counted against every quota at once', () => {
    const s = open();
    const peer = inc('peer', 10);
    const officer = inc('officer', 4);
    expect(s.take([peer, officer], 3)).toBe(3);
    expect(s.take([peer, officer], 3)).toBe(1);
    expect(s.take([peer, officer], 3)).toBe(0);
    expect([s.get('peer'), s.get('officer')]).toEqual([4, 4]);
    expect(s.take([peer], 50)).toBe(6);
    expect(s.get('peer')).toBe(10);
  });

  it('take with no quota takes what was asked; consume adds one per quota', () => {
    const s = open();
    expect(s.take([], 7)).toBe(7);
    s.consume([inc('x', 5, 'exchanges'), inc('y', 5)]);
    s.consume([inc('x', 5, 'exchanges')]);
    expect([s.get('x'), s.get('y'), s.get('z')]).toEqual([2, 1, undefined]);
  });

  it('purges windows that have ended', () => {
    const s = open();
    s.consume([inc('old', 1), { ...inc('new', 1), window: '2026-12-01T00:00:00.000Z' }]);
    expect(s.purgeBefore('2026-11-30T00:00:00.000Z')).toBe(1);
    expect([s.get('old'), s.get('new')]).toEqual([undefined, 1]);
  });
});
