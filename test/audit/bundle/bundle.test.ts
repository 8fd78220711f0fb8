import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addCheckpoint,
  type AuditBundle,
  type AuditLedger,
  exportBundle,
  formatAddCheckpoint,
  type NoteSigner,
  signNote,
  verifierOf,
  verifyBundle,
  verifyLedger,
} from '../../../audit/index.js';
import { decision, logSigner, open, querySent, tempDir, time, witnessSigner } from '../helpers.js';

const ORIGIN = 'agency-a.example/audit/v1';
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

type Mutable<T> = {
  -readonly [K in keyof T]: T[K] extends readonly (infer U)[]
    ? Mutable<U>[]
    : T[K] extends object
      ? Mutable<T[K]>
      : T[K];
};

async function populated() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const signer = logSigner(ORIGIN);
  const ledger = open(t.dir, signer);
  cleanups.push(() => ledger.close());
  const witness = witnessSigner('agency-b.example/witness');
  const witnessStore = open(t.dir, logSigner('agency-b.example/audit/v1'), {}, 'w.db');
  cleanups.push(() => witnessStore.close());
  const config = { cosigner: witness, logs: new Map([[ORIGIN, [verifierOf(signer)]]]) };
  for (let i = 0; i < 6; i++) await ledger.append(querySent(i), { selectors: { number: `+4479460${i}` } });
  const cp6 = ledger.checkpointNow();
  ledger.addCosignature(
    6,
    addCheckpoint(witnessStore, config, formatAddCheckpoint(0, [], cp6.note), 1000)[0]!,
    witness,
  );
  for (let i = 6; i < 10; i++) await ledger.append(i % 2 === 0 ? decision(i, 'deny') : querySent(i));
  const cp10 = ledger.checkpointNow();
  ledger.addCosignature(
    10,
    addCheckpoint(
      witnessStore,
      config,
      formatAddCheckpoint(6, ledger.consistencyProof(6, 10), cp10.note),
      1001,
    )[0]!,
    witness,
  );
  return { ledger, signer, witness, dir: t.dir };
}

function clone(b: AuditBundle): Mutable<AuditBundle> {
  return JSON.parse(JSON.stringify(b)) as Mutable<AuditBundle>;
}

describe('audit bundle export and offline verification', () => {
  it('verifies an untouched whole-log bundle with only the public keys', async () => {
    const { ledger, signer, witness } = await populated();
    const bundle = exportBundle(ledger, { witnessKeys: [witness] });
    expect(bundle.entries).toHaveLength(10);
    expect(bundle.range).toMatchObject({ wholeLog: true, complete: true, firstIndex: 0, lastIndex: 9 });
    const trusted = { logKey: bundle.logKey, witnessKeys: bundle.witnessKeys, minCosignatures: 1 };
    // Round-trips through JSON text, as an exported file would.
    const result = verifyBundle(JSON.parse(JSON.stringify(bundle)), trusted);
    expect(result).toMatchObject({
      ok: true,
      failures: [],
      entriesChecked: 10,
      checkpointsChecked: 2,
      treeSize: 10,
    });
    expect(verifyBundle(bundle, { logKey: signer }).ok).toBe(true);
  });

  it('exports a time range and a filter, each verifying on its own', async () => {
    const { ledger, signer } = await populated();
    const range = exportBundle(ledger, { from: time(2), to: time(5) });
    expect(range.entries.map((e) => e.index)).toEqual([2, 3, 4]);
    expect(range.range).toMatchObject({ complete: true, wholeLog: false });
    expect(verifyBundle(range, { logKey: signer }).failures).toEqual([]);
    const denied = exportBundle(ledger, { filter: { decision: 'deny' } });
    expect(denied.entries.map((e) => e.index)).toEqual([6, 8]);
    expect(verifyBundle(denied, { logKey: signer }).failures).toEqual([]);
  });

  const cases: [string, (b: Mutable<AuditBundle>, k: { other: NoteSigner }) => void, RegExp][] = [
    [
      'one changed byte of an event',
      (b) => {
        b.entries[3]!.leaf = b.entries[3]!.leaf.replace('CASE-0', 'CASE-9');
      },
      /^entry 3: leaf does not verify against checkpoint 10 \(event changed/,
    ],
    [
      'one changed byte of a body',
      (b) => {
        b.entries[2]!.body = b.entries[2]!.body!.replace('+44794602', '+44794603');
      },
      /^entry 2: body does not match the committed bodyDigest \(body changed\)$/,
    ],
    [
      'a deleted leaf',
      (b) => {
        b.entries.splice(4, 1);
      },
      /^leaf 4 missing between 3 and 5 \(deleted\)$/,
    ],
    [
      'two swapped leaves (same indices, contents reordered)',
      (b) => {
        const l = b.entries[1]!.leaf;
        b.entries[1]!.leaf = b.entries[2]!.leaf;
        b.entries[2]!.leaf = l;
      },
      /^entry 1: leaf does not verify/,
    ],
    [
      'reordered entries',
      (b) => {
        const e = b.entries[5]!;
        b.entries[5] = b.entries[6]!;
        b.entries[6] = e;
      },
      /^entries out of order at position 6: leaf 5 after leaf 6 \(reordered\)$/,
    ],
    [
      'a truncated log',
      (b) => {
        b.entries.splice(7);
        b.range.lastIndex = 6;
      },
      /^bundle claims the whole log but holds 7 entries for a checkpoint of 10 \(log truncated/,
    ],
    [
      'a replaced checkpoint (root changed)',
      (b) => {
        const note = b.checkpoints[1]!.note;
        const lines = note.split('\n');
        lines[2] = Buffer.alloc(32, 7).toString('base64');
        b.checkpoints[1]!.note = lines.join('\n');
      },
      /^checkpoint #1 \(size 10\): log signature by agency-a\.example\/audit\/v1\+[0-9a-f]{8} does not verify \(checkpoint replaced or altered\)$/,
    ],
    [
      'a checkpoint re-signed by another key',
      (b, { other }) => {
        const text = b.checkpoints[1]!.note.split('\n\n')[0]! + '\n';
        b.checkpoints[1]!.note = signNote(text, [other]);
      },
      /^checkpoint #1 \(size 10\): not signed by the trusted log key/,
    ],
    [
      'a forged cosignature',
      (b) => {
        const note = b.checkpoints[1]!.note;
        const lines = note.trimEnd().split('\n');
        const last = lines[lines.length - 1]!;
        const [dash, name, sig] = last.split(' ') as [string, string, string];
        const raw = Buffer.from(sig, 'base64');
        raw[raw.length - 1]! ^= 1;
        lines[lines.length - 1] = `${dash} ${name} ${raw.toString('base64')}`;
        b.checkpoints[1]!.note = `${lines.join('\n')}\n`;
      },
      /^checkpoint #1 \(size 10\): cosignature by witness agency-b\.example\/witness\+[0-9a-f]{8} does not verify \(forged or altered cosignature\)$/,
    ],
    [
      'a broken consistency proof between checkpoints',
      (b) => {
        b.consistency[0]!.proof[0] = Buffer.alloc(32, 1).toString('base64');
      },
      /^checkpoints 6 → 10 are not consistent: the log was rewritten between them$/,
    ],
    [
      'a malformed bundle',
      (b) => {
        (b as unknown as Record<string, unknown>)['extra'] = 1;
      },
      /^bundle is malformed at \/extra: is not allowed \(unknown key\)$/,
    ],
  ];

  it.each(cases)('detects %s with a precise message', async (_name, tamper, expected) => {
    const { ledger, signer, witness } = await populated();
    const bundle = clone(exportBundle(ledger, { witnessKeys: [witness] }));
    tamper(bundle, { other: logSigner(ORIGIN) });
    const result = verifyBundle(bundle, { logKey: signer, witnessKeys: [witness] });
    expect(result.ok).toBe(false);
    expect(
      result.failures.some((f) => expected.test(f)),
      result.failures.join('\n'),
    ).toBe(true);
  });

  it('detects a truncated whole-log export relabelled as a partial one when the whole log was asked for', async () => {
    const { ledger, signer } = await populated();
    const bundle = clone(exportBundle(ledger));
    bundle.entries.splice(7);
    Object.assign(bundle.range, { lastIndex: 6, wholeLog: false, from: '2026-01-01T00:00:00.000Z' });
    expect(verifyBundle(bundle, { logKey: signer }).ok).toBe(true);
    expect(verifyBundle(bundle, { logKey: signer, expectWholeLog: true }).failures).toEqual([
      'the whole log was asked for but the bundle is a partial export (truncated or relabelled)',
    ]);
  });

  it('detects a log cut back below a checkpoint the auditor saw earlier', async () => {
    const { ledger, signer } = await populated();
    const seen = ledger.latestCheckpoint()!.note;
    const bundle = clone(exportBundle(ledger));
    bundle.checkpoints.pop();
    bundle.consistency.pop();
    bundle.entries.splice(6);
    for (const e of bundle.entries) e.proof = ledger.inclusionProof(e.index, 6).hashes as string[];
    bundle.range.lastIndex = 5;
    const result = verifyBundle(bundle, { logKey: signer, lastSeen: seen });
    expect(result.failures).toContain(
      'log truncated: a checkpoint of size 10 was seen before, the bundle ends at 6',
    );
  });

  it('keeps verifying after bodies are purged, and says so', async () => {
    const { ledger, signer } = await populated();
    ledger.purgeBodies(time(3));
    const result = verifyBundle(exportBundle(ledger), { logKey: signer });
    expect(result.ok).toBe(true);
    expect(result.notes).toContain('3 entries have a purged body (their leaves still verify)');
  });
});

describe('verifyLedger re-hashes the local ledger', () => {
  async function tamperedLedger(sql: string, ...params: unknown[]): Promise<AuditLedger> {
    const { ledger, signer, dir } = await populated();
    ledger.close();
    const db = new Database(join(dir, 'audit.db'));
    db.prepare(sql).run(...params);
    db.close();
    const again = open(dir, signer);
    cleanups.push(() => again.close());
    return again;
  }

  it('passes on an untouched ledger', async () => {
    const { ledger } = await populated();
    expect(await verifyLedger(ledger)).toMatchObject({
      ok: true,
      entries: 10,
      checkpoints: 2,
      purgedBodies: 0,
    });
  });

  it.each([
    [
      'a changed event',
      "UPDATE leaves SET event = replace(event, 'CASE-0', 'CASE-9') WHERE idx = 3",
      /^leaf 3: stored event does not match its leaf hash \(event changed\)$/,
    ],
    [
      'a changed body',
      "UPDATE bodies SET body = replace(body, '+4479460', '+4479461') WHERE idx = 2",
      /^leaf 2: body does not match the committed bodyDigest \(body changed\)$/,
    ],
    [
      'a deleted leaf',
      'DELETE FROM leaves WHERE idx = 4',
      /^leaf 4 is missing \(next stored leaf is 5\): deleted$/,
    ],
    [
      'a truncated log',
      'DELETE FROM leaves WHERE idx >= 8',
      /^checkpoint 10 covers 10 entries but the ledger holds 8 \(truncated\)$/,
    ],
    [
      'a replaced checkpoint',
      "UPDATE checkpoints SET note = replace(note, '\n10\n', '\n11\n') WHERE size = 10",
      /^checkpoint 10: log signature does not verify/,
    ],
  ])('detects %s', async (_name, sql, expected) => {
    const ledger = await tamperedLedger(sql);
    const result = await verifyLedger(ledger);
    expect(result.ok).toBe(false);
    expect(
      result.failures.some((f) => expected.test(f)),
      result.failures.join('\n'),
    ).toBe(true);
  });

  it('detects a changed event whose leaf hash was recomputed too (the checkpoint root catches it)', async () => {
    const { ledger, signer, dir } = await populated();
    const original = ledger.get(3).leafData;
    ledger.close();
    const forged = original.replace('CASE-0', 'CASE-9');
    const { leafHash } = await import('../../../audit/index.js');
    const db = new Database(join(dir, 'audit.db'));
    db.prepare('UPDATE leaves SET event = ? WHERE idx = 3').run(forged);
    db.prepare('UPDATE entries SET leaf_hash = ? WHERE idx = 3').run(Buffer.from(leafHash(forged)));
    db.close();
    const again = open(dir, signer);
    cleanups.push(() => again.close());
    const failures = (await verifyLedger(again)).failures;
    expect(failures).toContain('stored entries 0..5 do not reproduce the root of checkpoint 6');
    expect(failures).toContain('stored entries 0..9 do not reproduce the root of checkpoint 10');
  });
});
