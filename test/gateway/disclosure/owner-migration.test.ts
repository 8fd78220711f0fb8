import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DisclosureDesk, type DisclosureDeskDeps } from '../../../gateway/disclosure/owner.js';
import { HitRefStore } from '../../../gateway/responder/hit-refs.js';

// An owner's node.db from before issue 15: disclosures_in without frozen values, delivery counts or the
// reference's end, and references issued by the real store (AES-wrapped row numbers).
const dir = mkdtempSync(join(tmpdir(), 'mosaic-owner-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');

function oldNodeDb(file: string) {
  const db = new Database(file);
  db.exec(`CREATE TABLE disclosures_in (
    id TEXT PRIMARY KEY, peer TEXT NOT NULL, ref TEXT NOT NULL, dataset TEXT NOT NULL, record_id TEXT NOT NULL,
    kind TEXT NOT NULL, purpose TEXT NOT NULL, legal_basis TEXT NOT NULL, case_ref TEXT NOT NULL,
    justification TEXT NOT NULL, urgency TEXT NOT NULL, requester TEXT NOT NULL, request_jti TEXT NOT NULL,
    request_digest TEXT NOT NULL, status TEXT NOT NULL, reason_code TEXT NOT NULL, advice TEXT NOT NULL,
    plan TEXT NOT NULL, policy_digest TEXT, handling_code TEXT, retention_days INTEGER, deadline INTEGER NOT NULL,
    created_at INTEGER NOT NULL, decided_at INTEGER, decided_by TEXT, note TEXT, delivered_at INTEGER)`);
  const refs = new HitRefStore(db, 90);
  const ref = refs.issue({
    peer: 'ro-police',
    dataset: 'persons',
    recordId: 'HU-P-3',
    queryJti: 'q'.repeat(22),
    purpose: 'trafficking-investigation',
    caseRef: 'RO-1',
    granted: 'summary',
    subjectKind: 'person',
    selectors: ['fullName'],
    createdAt: T0,
  });
  const add = db.prepare(
    `INSERT INTO disclosures_in VALUES (?, 'ro-police', ?, 'persons', 'HU-P-3', 'person', 'trafficking-investigation',
     'MLA', 'RO-1', 'Needed for the warrant.', 'urgent', 'officer-7f3a', ?, 'sha256:x', ?, 'R', '{}',
     '{"familyName":"keep"}', NULL, 'HU-H3', ?, ?, ?, ?, 'dora', NULL, ?)`,
  );
  // id, ref, jti, status, retention, deadline, created, decided, delivered
  add.run('delivered', ref, 'a'.repeat(22), 'approved', 30, T0, T0, T0 + DAY, T0 + DAY);
  add.run('approved-unfetched', ref, 'b'.repeat(22), 'approved', 180, T0, T0, T0 + DAY, null);
  add.run('queued', ref, 'c'.repeat(22), 'queued', 180, T0, T0, null, null);
  add.run('forgotten-ref', 'A'.repeat(22), 'd'.repeat(22), 'approved', 30, T0, T0, T0, null);
  return { db, refs };
}

describe("the owner's disclosures_in from before frozen releases", () => {
  it('gains the new columns, counts past deliveries, and takes each request its reference end and facts', () => {
    const { db, refs } = oldNodeDb(join(dir, 'node.db'));
    // Only the store and the references are touched at construction.
    new DisclosureDesk({ db, hitRefs: refs } as unknown as DisclosureDeskDeps);
    const row = (id: string) =>
      db.prepare('SELECT * FROM disclosures_in WHERE id = ?').get(id) as Record<string, unknown>;
    const refEnd = T0 + 90 * DAY;
    expect(row('delivered')).toMatchObject({
      deliveries: 1,
      ref_expires_at: refEnd,
      subject_kind: 'person',
      selectors: '["fullName"]',
      // 30 days' retention from the decision ends before the reference's 90 days.
      ends_at: T0 + DAY + 30 * DAY,
      released: null,
      token: null,
    });
    expect(row('approved-unfetched')).toMatchObject({ deliveries: 0, ends_at: refEnd });
    expect(row('queued')).toMatchObject({ deliveries: 0, ref_expires_at: refEnd, ends_at: null });
    // A reference the store no longer knows: its life is over, so the request can end but never deliver.
    expect(row('forgotten-ref')).toMatchObject({ ref_expires_at: 0, ends_at: 0, subject_kind: null });
    // Opening the store again changes nothing.
    const before = db.prepare('SELECT * FROM disclosures_in ORDER BY id').all();
    new DisclosureDesk({ db, hitRefs: refs } as unknown as DisclosureDeskDeps);
    expect(db.prepare('SELECT * FROM disclosures_in ORDER BY id').all()).toEqual(before);
    db.close();
  });
});
