import { createCipheriv } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { HitRefStore } from '../../../gateway/responder/hit-refs.js';

// Real SQLite files (WAL, as node.db); real AES.
const dir = mkdtempSync(join(tmpdir(), 'mosaic-hit-refs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const open = (file = join(dir, `n${n++}.db`)) => {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  return { db, file, refs: new HitRefStore(db) };
};
const ENTRY = {
  peer: 'ro-police',
  dataset: 'persons',
  recordId: 'p-123',
  queryJti: 'q'.repeat(22),
  purpose: 'trafficking-investigation',
  caseRef: 'CASE-1',
  granted: 'summary',
  subjectKind: 'person',
  selectors: ['fullName', 'birthDate'],
  createdAt: Date.now(),
};
/** Encrypt (id, tag) under the store's key: what only the owner can do. */
const craft = (db: Database.Database, id: number, tag: Buffer) => {
  const key = db.prepare('SELECT k FROM hit_ref_key').pluck().get() as Buffer;
  const block = Buffer.alloc(16);
  block.writeBigUInt64BE(BigInt(id));
  tag.copy(block, 8);
  const c = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]).toString('base64url');
};

describe('HitRefStore', () => {
  it('resolves a reference for the agency it was given to, and for no other', () => {
    const { refs } = open();
    const [a, b] = refs.issueMany([ENTRY, { ...ENTRY, recordId: 'p-456', peer: 'hu-border' }]);
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(refs.lookup(a!, 'ro-police')).toEqual({ ref: a, ...ENTRY });
    expect(refs.lookup(a!, 'hu-border')).toBeUndefined();
    expect(refs.lookup(b!, 'hu-border')?.recordId).toBe('p-456');
    expect(refs.lookup(b!, 'ro-police')).toBeUndefined();
  });

  it('gives references that look random although rows are numbered in order', () => {
    const { refs } = open();
    const issued = refs.issueMany(Array.from({ length: 300 }, () => ENTRY));
    expect(new Set(issued).size).toBe(300);
    // Sequence numbers in the clear would share their leading characters; encrypted ones do not.
    expect(new Set(issued.map((r) => r.slice(0, 3))).size).toBeGreaterThan(290);
    for (const r of issued.slice(0, 20)) expect(refs.lookup(r, 'ro-police')?.recordId).toBe('p-123');
  });

  it('refuses tampered, forged, malformed and hostile references', () => {
    const { db, refs } = open();
    const [ref] = refs.issueMany([ENTRY]);
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (let i = 0; i < 22; i++) expect(refs.lookup(flip(ref!, i), 'ro-police')).toBeUndefined();
    // The right row number under the right key, with the wrong random half: the tag check refuses it.
    expect(refs.lookup(craft(db, 1, Buffer.alloc(8)), 'ro-police')).toBeUndefined();
    // A reference made by another node (another key) for the same row number.
    const other = open();
    const [foreign] = other.refs.issueMany([ENTRY]);
    expect(refs.lookup(foreign!, 'ro-police')).toBeUndefined();
    for (const bad of [
      '',
      'x',
      `${ref}A`,
      ref!.slice(0, 21),
      "' OR 1=1 --",
      '😀'.repeat(11),
      'A'.repeat(100_000),
      '+/+/+/+/+/+/+/+/+/+/+/',
    ]) {
      expect(refs.lookup(bad, 'ro-police')).toBeUndefined();
    }
  });

  it('keeps its key: references survive a restart', () => {
    const first = open();
    const [ref] = first.refs.issueMany([ENTRY]);
    first.db.close();
    const again = open(first.file);
    expect(again.refs.lookup(ref!, 'ro-police')?.recordId).toBe('p-123');
  });

  it('refuses a reference older than its maximum age, and deletes such references', () => {
    const db = new Database(join(dir, 'aged.db'));
    const refs = new HitRefStore(db, 30);
    const day = 86_400_000;
    const t0 = ENTRY.createdAt;
    const [old, fresh] = refs.issueMany([ENTRY, { ...ENTRY, recordId: 'p-new', createdAt: t0 + 20 * day }]);
    expect(refs.lookup(old!, 'ro-police', t0 + 30 * day)?.recordId).toBe('p-123');
    expect(refs.lookup(old!, 'ro-police', t0 + 30 * day + 1)).toBeUndefined();
    expect(refs.lookup(fresh!, 'ro-police', t0 + 30 * day + 1)?.recordId).toBe('p-new');
    expect(refs.purgeExpired(t0 + 31 * day)).toBe(1);
    expect(refs.lookup(old!, 'ro-police', t0)).toBeUndefined();
    expect(refs.lookup(fresh!, 'ro-police', t0 + 31 * day)?.recordId).toBe('p-new');
    db.close();
  });

  it('still honours references issued in the earlier random form', () => {
    const file = join(dir, 'legacy.db');
    const db = new Database(file);
    db.exec(`CREATE TABLE hit_refs (ref TEXT PRIMARY KEY, peer TEXT NOT NULL, dataset TEXT NOT NULL,
      record_id TEXT NOT NULL, query_jti TEXT NOT NULL, purpose TEXT NOT NULL, case_ref TEXT NOT NULL,
      granted TEXT NOT NULL, subject_kind TEXT NOT NULL, selectors TEXT NOT NULL, created_at INTEGER NOT NULL)
      WITHOUT ROWID`);
    const old = 'abcdefghijklmnopqrstuvwx';
    db.prepare('INSERT INTO hit_refs VALUES (?,?,?,?,?,?,?,?,?,?,?)').run(
      old,
      'ro-police',
      'persons',
      'p-old',
      ENTRY.queryJti,
      ENTRY.purpose,
      ENTRY.caseRef,
      'summary',
      'person',
      '["fullName"]',
      Date.now(),
    );
    const refs = new HitRefStore(db);
    expect(refs.lookup(old, 'ro-police')).toMatchObject({
      ref: old,
      recordId: 'p-old',
      selectors: ['fullName'],
    });
    expect(refs.lookup(old, 'hu-border')).toBeUndefined();
    const [fresh] = refs.issueMany([ENTRY]);
    expect(refs.lookup(fresh!, 'ro-police')?.recordId).toBe('p-123');
    db.close();
  });
});
