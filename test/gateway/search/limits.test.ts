import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { isMosaicError } from '../../../contracts/index.js';
import { Counter } from '../../../gateway/metrics/registry.js';
import { SearchLimiter, type SearchLimits } from '../../../gateway/search/limits.js';

// Real SQLite files (WAL, as node.db); time is passed in, never read.
const dir = mkdtempSync(join(tmpdir(), 'mosaic-search-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const open = (file = join(dir, `n${n++}.db`)) => {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  return { db, file };
};
const T0 = Date.parse('2026-11-29T10:00:00Z');

function refusal(fn: () => void): { code: string; retryAfter: number } | undefined {
  try {
    fn();
  } catch (err) {
    if (isMosaicError(err)) return { code: err.code, retryAfter: Number(err.detail) };
    throw err;
  }
  return undefined;
}

describe('SearchLimiter: per-analyst searches per minute and per day', () => {
  it('refuses the 31st search in any 60 s (default 30) and allows again once the oldest leaves', () => {
    const refused = new Counter('t_limited', 't');
    const l = new SearchLimiter(open().db, () => ({ perMinute: 30, perDay: 1000 }), refused);
    for (let i = 0; i < 30; i++) expect(refusal(() => l.take('ana', T0 + i * 1000))).toBeUndefined();
    expect(refusal(() => l.take('ana', T0 + 30_000))).toEqual({
      code: 'MOSAIC_ERR_SEARCH_RATE_LIMITED',
      retryAfter: 30,
    });
    expect(refused.get({ limit: 'minute' })).toBe(1);
    // Another analyst has her own window.
    expect(refusal(() => l.take('bogdan', T0 + 30_000))).toBeUndefined();
    // A refused search counted nothing: 60 s after the first, exactly one slot is free again.
    expect(refusal(() => l.take('ana', T0 + 60_001))).toBeUndefined();
    expect(refusal(() => l.take('ana', T0 + 60_002))?.code).toBe('MOSAIC_ERR_SEARCH_RATE_LIMITED');
  });

  it('refuses past perDay until midnight UTC, and a restart does not reset the day', () => {
    const { file, db } = open();
    const limits: SearchLimits = { perMinute: 100, perDay: 3 };
    const l = new SearchLimiter(db, () => limits);
    for (let i = 0; i < 3; i++) l.take('ana', T0 + i * 120_000);
    expect(refusal(() => l.take('ana', T0 + 600_000))).toEqual({
      code: 'MOSAIC_ERR_SEARCH_DAILY_LIMIT',
      retryAfter: 14 * 3600 - 600,
    });
    db.close();
    const again = new SearchLimiter(open(file).db, () => limits);
    expect(refusal(() => again.take('ana', T0 + 3_600_000))?.code).toBe('MOSAIC_ERR_SEARCH_DAILY_LIMIT');
    expect(refusal(() => again.take('ana', Date.parse('2026-11-30T00:00:01Z')))).toBeUndefined();
  });

  it('reads its limits at every search, so a configuration reload applies at once', () => {
    let limits: SearchLimits = { perMinute: 1, perDay: 10 };
    const l = new SearchLimiter(open().db, () => limits);
    l.take('ana', T0);
    expect(refusal(() => l.take('ana', T0 + 1))?.code).toBe('MOSAIC_ERR_SEARCH_RATE_LIMITED');
    limits = { perMinute: 5, perDay: 10 };
    expect(refusal(() => l.take('ana', T0 + 2))).toBeUndefined();
  });
});
