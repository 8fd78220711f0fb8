import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isMosaicError, sha256Digest } from '../../../contracts/index.js';
import {
  type AuditLedger,
  openNote,
  parseCheckpoint,
  purge,
  verifyConsistency,
  verifyInclusionProof,
  verifyLedger,
  verifyReceipt,
} from '../../../audit/index.js';
import { decision, logSigner, manualClock, open, querySent, tempDir, time } from '../helpers.js';

const ORIGIN = 'agency-a.example/audit/v1';
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});
function setup(extra: Parameters<typeof open>[2] = {}) {
  const t = tempDir();
  const signer = logSigner(ORIGIN);
  const ledger = open(t.dir, signer, extra);
  cleanups.push(t.cleanup, () => ledger.close());
  return { ledger, signer, dir: t.dir };
}

async function expectCode(p: Promise<unknown> | (() => unknown), code: string, status: number) {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(isMosaicError(err)).toBe(true);
    expect(err).toMatchObject({ code, status });
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('audit ledger store', () => {
  it('appends durably: indices, leaf hashes and events survive a reopen', async () => {
    const { ledger, signer, dir } = setup();
    const r0 = await ledger.append(querySent(0));
    const r1 = await ledger.append(querySent(1), { selectors: { number: '+33612345678' } });
    expect([r0.leafIndex, r1.leafIndex]).toEqual([0, 1]);
    expect(r1.leafHash).toMatch(/^[0-9a-f]{64}$/);
    ledger.close();
    const again = open(dir, signer);
    cleanups.push(() => again.close());
    expect(again.size).toBe(2);
    const e = again.get(1);
    expect(e.leafHash).toBe(r1.leafHash);
    expect(e.body).toEqual({ selectors: { number: '+33612345678' } });
    expect(e.event).toMatchObject({
      v: 1,
      kind: 'query-sent',
      bodyDigest: expect.stringMatching(/^sha256:/),
    });
    // The leaf commits to a digest of the body, never to the selector itself.
    expect(e.leafData).not.toContain('+33612345678');
  });

  it('group-commits concurrent appends into one transaction', async () => {
    const { ledger } = setup();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => ledger.append(querySent(i))));
    expect(results.map((r) => r.leafIndex)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(ledger.stats()).toMatchObject({ commits: 1, appends: 50 });
    await ledger.append(querySent(51));
    expect(ledger.stats().commits).toBe(2);
  });

  it('refuses an event outside the closed schema with a coded error and writes nothing', async () => {
    const { ledger } = setup();
    await expectCode(
      ledger.append({ ...querySent(0), extra: 'x' } as never),
      'MOSAIC_ERR_AUDIT_EVENT_INVALID',
      500,
    );
    await expectCode(
      ledger.append({ ...querySent(0), time: '2026-01-01 00:00' } as never),
      'MOSAIC_ERR_AUDIT_EVENT_INVALID',
      500,
    );
    // Hostile keys arrive as own properties from JSON.parse (CONVENTIONS §7): the closed schema refuses them.
    for (const key of ['__proto__', 'constructor']) {
      const hostile = JSON.parse(`{"${key}": {"polluted": true}}`) as object;
      await expectCode(
        ledger.append(Object.assign(hostile, querySent(0)) as never),
        'MOSAIC_ERR_AUDIT_EVENT_INVALID',
        500,
      );
    }
    await expectCode(ledger.append(querySent(0), { n: 1n }), 'MOSAIC_ERR_AUDIT_EVENT_INVALID', 500);
    expect(ledger.size).toBe(0);
  });

  it('signs a checkpoint every N entries and on request in the same commit', async () => {
    const { ledger, signer } = setup({ checkpointEvery: 4 });
    for (let i = 0; i < 3; i++) await ledger.append(querySent(i));
    expect(ledger.latestCheckpoint()).toBeNull();
    const r = await ledger.append(querySent(3));
    expect(r.checkpoint).toBeDefined();
    const opened = openNote(r.checkpoint!, [signer]);
    expect(opened.ok).toBe(true);
    expect(parseCheckpoint(opened.ok ? opened.text : '')).toMatchObject({ origin: ORIGIN, size: 4 });
    const forced = await ledger.append(querySent(4), undefined, { checkpoint: true });
    expect(parseCheckpoint(forced.checkpoint!.split('\n\n')[0]! + '\n')?.size).toBe(5);
  });

  it('signs a checkpoint when the interval has passed, on the injected clock', async () => {
    const clock = manualClock();
    const { ledger } = setup({ clock, checkpointIntervalMs: 1000 });
    await ledger.append(querySent(0)); // first flush: no checkpoint yet, so one is due
    expect(ledger.latestCheckpoint()?.size).toBe(1);
    await ledger.append(querySent(1));
    expect(ledger.maybeCheckpoint()).toBeNull();
    clock.advance(1000);
    expect(ledger.maybeCheckpoint()?.size).toBe(2);
    expect(ledger.maybeCheckpoint()).toBeNull();
  });

  it('checkpointNow is idempotent at an unchanged size and each checkpoint is consistent with the last', async () => {
    const { ledger } = setup();
    for (let i = 0; i < 5; i++) await ledger.append(querySent(i));
    const a = ledger.checkpointNow();
    expect(ledger.checkpointNow().note).toBe(a.note);
    for (let i = 5; i < 13; i++) await ledger.append(querySent(i));
    const b = ledger.checkpointNow();
    const proof = ledger
      .consistencyProof(a.size, b.size)
      .map((p) => new Uint8Array(Buffer.from(p, 'base64')));
    expect(verifyConsistency(a.size, b.size, a.rootHash, b.rootHash, proof)).toBe(true);
    expect(ledger.checkpoints().map((c) => c.size)).toEqual([5, 13]);
  });

  it('refuses to sign a checkpoint inconsistent with the last one (tampered leaves)', async () => {
    const { ledger, signer, dir } = setup();
    for (let i = 0; i < 4; i++) await ledger.append(querySent(i));
    ledger.checkpointNow();
    await ledger.append(querySent(4));
    ledger.close();
    const db = new Database(join(dir, 'audit.db'));
    db.prepare('UPDATE entries SET leaf_hash = ? WHERE idx = 1').run(Buffer.alloc(32, 9));
    db.close();
    const again = open(dir, signer);
    cleanups.push(() => again.close());
    expect(again.corruptionDetected).toMatch(/do not reproduce the root of checkpoint 4/);
    await expectCode(() => again.checkpointNow(), 'MOSAIC_ERR_AUDIT_INCONSISTENT', 500);
  });

  it('serves inclusion proofs and receipts a requester can verify with the log key alone', async () => {
    const { ledger, signer } = setup();
    const results = await Promise.all(Array.from({ length: 11 }, (_, i) => ledger.append(querySent(i))));
    await expectCode(() => ledger.inclusionProof(3), 'MOSAIC_ERR_AUDIT_NOT_COVERED', 404);
    ledger.checkpointNow();
    for (const r of results) {
      const proof = ledger.inclusionProof(r.leafIndex);
      expect(verifyInclusionProof(proof, signer, r.leafHash)).toMatchObject({ ok: true });
      expect(verifyInclusionProof(proof, signer, results[(r.leafIndex + 1) % 11]!.leafHash).ok).toBe(false);
      expect(verifyReceipt(ledger.receipt(r.leafIndex), signer)).toMatchObject({ ok: true, covered: true });
    }
    await expectCode(() => ledger.inclusionProof(11), 'MOSAIC_ERR_AUDIT_NOT_FOUND', 404);
    await expectCode(() => ledger.inclusionProof(-1), 'MOSAIC_ERR_AUDIT_NOT_FOUND', 404);
    await expectCode(() => ledger.consistencyProof(5, 12), 'MOSAIC_ERR_AUDIT_BAD_RANGE', 400);
    const other = logSigner('agency-z.example/audit/v1');
    expect(verifyReceipt(ledger.receipt(0), other)).toMatchObject({ ok: false });
  });

  it('lists events with filters and keyset pagination', async () => {
    const { ledger } = setup();
    for (let i = 0; i < 9; i++) await ledger.append(querySent(i));
    await ledger.append(decision(9, 'deny'));
    await ledger.append(decision(10, 'permit'));
    const all: number[] = [];
    let after: number | undefined;
    for (;;) {
      const page = ledger.list({ limit: 4, ...(after === undefined ? {} : { after }) });
      all.push(...page.entries.map((e) => e.index));
      if (page.next === null) break;
      after = page.next;
    }
    expect(all).toEqual([...Array(11).keys()]);
    expect(ledger.list({ caseRef: 'CASE-1' }).entries.map((e) => e.index)).toEqual([1, 4, 7]);
    expect(ledger.list({ decision: 'deny' }).entries.map((e) => e.index)).toEqual([9]);
    expect(ledger.list({ direction: 'inbound', peer: 'agency-c' }).entries).toHaveLength(2);
    expect(ledger.list({ from: time(2), to: time(4) }).entries.map((e) => e.index)).toEqual([2, 3]);
    expect(
      ledger.list({ officer: 'officer-7f3a', purpose: 'trafficking-investigation' }).entries,
    ).toHaveLength(9);
    expect(ledger.list({ peer: "x' OR 1=1 --" }).entries).toHaveLength(0);
    await expectCode(() => ledger.list({ limit: 5000 }), 'MOSAIC_ERR_AUDIT_BAD_RANGE', 400);
    await expectCode(() => ledger.get(99), 'MOSAIC_ERR_AUDIT_NOT_FOUND', 404);
  });

  it('purges bodies before a date and the ledger still verifies', async () => {
    const { ledger } = setup();
    for (let i = 0; i < 6; i++)
      await ledger.append(querySent(i), { selectors: { number: `+3361234567${i}` } });
    ledger.checkpointNow();
    expect(purge(ledger, time(3))).toEqual({ purged: 3 });
    expect(ledger.get(1)).toMatchObject({ body: null, purged: true });
    expect(ledger.get(4)).toMatchObject({ purged: false, body: { selectors: { number: '+33612345674' } } });
    const v = await verifyLedger(ledger);
    expect(v).toMatchObject({ ok: true, entries: 6, purgedBodies: 3 });
    expect(() => purge(ledger, 'yesterday')).toThrow(TypeError);
  });
});

describe('audit ledger when the database cannot be written', () => {
  it('rejects appends on a full disk with MOSAIC_ERR_AUDIT_UNAVAILABLE and leaves nothing half-written', async () => {
    const { ledger } = setup({ maxDatabaseBytes: 256 * 1024 });
    let committed = 0;
    let failure: unknown;
    const big = { note: 'x'.repeat(4000) };
    for (let i = 0; i < 500 && failure === undefined; i++) {
      const batch = Array.from({ length: 5 }, (_, j) => ledger.append(querySent(i * 5 + j), big));
      const settled = await Promise.allSettled(batch);
      const ok = settled.filter((s) => s.status === 'fulfilled').length;
      // A batch is one transaction: all of it commits or none of it does.
      expect([0, 5]).toContain(ok);
      committed += ok;
      const bad = settled.find((s) => s.status === 'rejected');
      if (bad !== undefined) failure = (bad as PromiseRejectedResult).reason;
    }
    expect(failure).toMatchObject({ code: 'MOSAIC_ERR_AUDIT_UNAVAILABLE', status: 503 });
    expect(ledger.size).toBe(committed);
    expect(ledger.storedLeafCount()).toBe(committed);
    expect((await verifyLedger(ledger)).ok).toBe(true);
  });

  it('rejects appends on a ledger opened read-only and writes nothing', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const signer = logSigner(ORIGIN);
    const w = open(t.dir, signer);
    await w.append(querySent(0));
    w.close();
    const ro = open(t.dir, signer, { readonly: true });
    cleanups.push(() => ro.close());
    await expectCode(ro.append(querySent(1)), 'MOSAIC_ERR_AUDIT_UNAVAILABLE', 503);
    await expectCode(() => ro.checkpointNow(), 'MOSAIC_ERR_AUDIT_UNAVAILABLE', 503);
    expect(ro.size).toBe(1);
    expect(ro.get(0).event.kind).toBe('query-sent');
  });

  it.skipIf(process.getuid?.() === 0)('rejects appends when the file was made read-only', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const signer = logSigner(ORIGIN);
    const w = open(t.dir, signer);
    await w.append(querySent(0));
    w.close();
    chmodSync(join(t.dir, 'audit.db'), 0o444);
    let ledger: AuditLedger | undefined;
    try {
      ledger = open(t.dir, signer);
      await expectCode(ledger.append(querySent(1)), 'MOSAIC_ERR_AUDIT_UNAVAILABLE', 503);
      expect(ledger.size).toBe(1);
    } catch (err) {
      expect(err).toMatchObject({ code: 'MOSAIC_ERR_AUDIT_UNAVAILABLE', status: 503 });
    } finally {
      ledger?.close();
      chmodSync(join(t.dir, 'audit.db'), 0o644);
    }
  });

  it('rejects appends after close', async () => {
    const { ledger } = setup();
    ledger.close();
    await expectCode(ledger.append(querySent(0)), 'MOSAIC_ERR_AUDIT_UNAVAILABLE', 503);
  });

  it('refuses misuse at open with TypeError', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const signer = logSigner(ORIGIN);
    expect(() => open(t.dir, signer, { checkpointEvery: 0 })).toThrow(TypeError);
    expect(() => open(t.dir, signer, { origin: 'has space' })).toThrow(TypeError);
    const l = open(t.dir, signer);
    l.close();
    const other = logSigner('other.example/audit/v1');
    expect(() => open(t.dir, other)).toThrow(TypeError);
    expect(sha256Digest('x')).toMatch(/^sha256:/);
  });
});
