import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ReplayStore } from '../../../gateway/peer/replay-store.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replay store', () => {
  it('refuses a jti seen before, in memory and across a restart, and forgets expired ones', () => {
    const path = join(dir, 'node.db');
    const db1 = new Database(path);
    const first = new ReplayStore(db1, 1000);
    expect(first.remember('ro-police', 'jti-aaaaaaaaaaaaaaaaaaaaaa', 1200, 1000, 990)).toBe(true);
    expect(first.remember('ro-police', 'jti-aaaaaaaaaaaaaaaaaaaaaa', 1200, 1001, 990)).toBe(false);
    // The same id from another issuer is another query.
    expect(first.remember('hu-border', 'jti-aaaaaaaaaaaaaaaaaaaaaa', 1200, 1001, 990)).toBe(true);
    first.flush();
    db1.close();

    // A restarted node: a query issued before it started is checked against what was written.
    const db2 = new Database(path);
    const second = new ReplayStore(db2, 1100);
    expect(second.remember('ro-police', 'jti-aaaaaaaaaaaaaaaaaaaaaa', 1200, 1101, 990)).toBe(false);
    expect(second.remember('ro-police', 'jti-bbbbbbbbbbbbbbbbbbbbbb', 1300, 1101, 1101)).toBe(true);
    expect(second.remember('ro-police', 'jti-bbbbbbbbbbbbbbbbbbbbbb', 1300, 1102, 1101)).toBe(false);
    second.flush();
    expect(second.purge(1250)).toBe(2);
    expect(db2.prepare('SELECT COUNT(*) FROM seen_jti').pluck().get()).toBe(1);
    db2.close();
  });

  it('refuses a query it may have forgotten when the clock steps back, also after a restart', () => {
    const path = join(dir, 'step-back.db');
    const db1 = new Database(path);
    const store = new ReplayStore(db1, 1000);
    expect(store.remember('ro-police', 'jti-cccccccccccccccccccccc', 1200, 1000, 990)).toBe(true);
    store.flush();
    // Time passes: the id is purged, since the query could no longer pass the freshness check.
    expect(store.purge(1300)).toBe(1);
    // The clock steps back to 1050 (an NTP correction): the old query would look fresh again.
    expect(store.remember('ro-police', 'jti-cccccccccccccccccccccc', 1200, 1050, 990)).toBe(false);
    // A query the store cannot have forgotten is still judged on its id.
    expect(store.remember('ro-police', 'jti-dddddddddddddddddddddd', 1400, 1050, 1040)).toBe(true);
    store.flush();
    db1.close();
    const db2 = new Database(path);
    const again = new ReplayStore(db2, 1060);
    expect(again.remember('ro-police', 'jti-cccccccccccccccccccccc', 1200, 1060, 990)).toBe(false);
    expect(again.remember('ro-police', 'jti-dddddddddddddddddddddd', 1400, 1060, 1040)).toBe(false);
    expect(again.remember('ro-police', 'jti-eeeeeeeeeeeeeeeeeeeeee', 1400, 1060, 1055)).toBe(true);
    // Written now, not on the next turn of the event loop, when the directory may be gone.
    again.flush();
    db2.close();
  });
});
