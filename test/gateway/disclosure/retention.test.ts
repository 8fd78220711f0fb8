import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../../../contracts/index.js';
import type { DisclosureEvent } from '../../../gateway/disclosure/audit-port.js';
import { DisclosureRequests } from '../../../gateway/disclosure/requester.js';
import { signCompact } from '../../../gateway/jws/compact.js';
import { generateSigningKey } from '../../../gateway/keys/jwk.js';
import type { PeerClient } from '../../../gateway/peer/client.js';
import type { CaseStore } from '../../../gateway/search/cases.js';

// A node.db from before retention was enforced (no expires_at column), with real signed owner replies.
const dir = mkdtempSync(join(tmpdir(), 'mosaic-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const owner = generateSigningKey();
const reply = (extra: Record<string, unknown>) =>
  signCompact(
    {
      iss: 'hu-border',
      aud: 'ro-police',
      iat: T0 / 1000,
      jti: 'j'.repeat(22),
      id: 'owner-id',
      requestJti: 'r'.repeat(22),
      requestDigest: sha256Digest('request'),
      status: 'approved',
      reasonCode: 'APPROVED_BY_OFFICER',
      deadline: new Date(T0).toISOString(),
      ...extra,
    },
    owner,
    'mosaic-record+jws',
  );

function oldNodeDb(file: string) {
  const db = new Database(file);
  db.exec(`CREATE TABLE disclosures_out (
    id TEXT PRIMARY KEY, peer TEXT NOT NULL, ref TEXT NOT NULL, case_ref TEXT NOT NULL, purpose TEXT NOT NULL,
    created_by TEXT NOT NULL, request_jti TEXT NOT NULL, request_digest TEXT NOT NULL, owner_id TEXT NOT NULL,
    status TEXT NOT NULL, reply TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
  const add = db.prepare('INSERT INTO disclosures_out VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)');
  const record = { dataset: 'persons', kind: 'person', fields: { familyName: 'Popescu' } };
  const row = (id: string, status: string, token: string) =>
    add.run(
      id,
      'hu-border',
      'ref_0123456789abcdef',
      'CASE-1',
      'trafficking-investigation',
      'ana',
      'r'.repeat(22),
      sha256Digest('request'),
      'owner-id',
      status,
      token,
      T0,
      T0,
    );
  row('kept-30-days', 'approved', reply({ record, retentionDays: 30 }));
  row('no-retention', 'approved', reply({ record }));
  row('queued', 'queued', reply({ status: 'queued', reasonCode: 'APPROVAL_REQUIRED' }));
  return db;
}

describe('retention of released records on the requester', () => {
  it('gives records released before the upgrade their expiry, deletes them once, and records it first', async () => {
    const db = oldNodeDb(join(dir, 'node.db'));
    const events: DisclosureEvent[] = [];
    const requests = new DisclosureRequests({
      db,
      client: {} as PeerClient, // not reached: the sweep talks to no peer
      cases: {} as CaseStore,
      audit: {
        record: async (e) => {
          await new Promise((r) => setTimeout(r, 5));
          events.push(e);
        },
      },
      clock: () => T0,
    });
    const expires = (id: string) =>
      db.prepare('SELECT expires_at FROM disclosures_out WHERE id = ?').pluck().get(id) as number | null;
    expect(expires('kept-30-days')).toBe(T0 + 30 * DAY);
    expect(expires('no-retention')).toBeNull();
    expect(expires('queued')).toBeNull();

    expect(await requests.purgeExpired(T0 + 29 * DAY)).toBe(0);
    const signed = db.prepare("SELECT reply FROM disclosures_out WHERE id = 'kept-30-days'").pluck().get();
    // Two sweeps at once (start-up and the hourly timer) delete and record it once.
    const [a, b] = await Promise.all([
      requests.purgeExpired(T0 + 31 * DAY),
      requests.purgeExpired(T0 + 31 * DAY),
    ]);
    expect(a + b).toBe(1);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      step: 'expired',
      disclosureId: 'kept-30-days',
      replyDigest: sha256Digest(signed as string),
    });
    expect(
      db.prepare("SELECT status, reply, reply_digest FROM disclosures_out WHERE id = 'kept-30-days'").get(),
    ).toEqual({
      status: 'expired',
      reply: '',
      reply_digest: sha256Digest(signed as string),
    });
    expect(await requests.purgeExpired(T0 + 400 * DAY)).toBe(0);
    expect(requests.deliveredRecords('CASE-1').map((r) => r.fields)).toEqual([{ familyName: 'Popescu' }]);
    db.close();
  });

  it('keeps the record when the deletion cannot be recorded, and deletes it at the next sweep', async () => {
    const db = oldNodeDb(join(dir, 'node2.db'));
    let ledgerDown = true;
    const requests = new DisclosureRequests({
      db,
      client: {} as PeerClient,
      cases: {} as CaseStore,
      audit: {
        record: async () => {
          if (ledgerDown) throw new Error('ledger unavailable');
        },
      },
      clock: () => T0,
    });
    expect(await requests.purgeExpired(T0 + 31 * DAY)).toBe(0);
    expect(db.prepare("SELECT status FROM disclosures_out WHERE id = 'kept-30-days'").pluck().get()).toBe(
      'approved',
    );
    ledgerDown = false;
    expect(await requests.purgeExpired(T0 + 31 * DAY)).toBe(1);
    db.close();
  });
});
