import { afterEach, describe, expect, it } from 'vitest';
import {
  addCheckpoint,
  detectSplitView,
  formatAddCheckpoint,
  type NoteSigner,
  parseAddCheckpoint,
  type SplitViewError,
  signNote,
  splitViewDigest,
  verifierOf,
  verifyBundle,
  exportBundle,
  type WitnessConfig,
  WitnessConflictError,
} from '../../../audit/index.js';
import { isMosaicError } from '../../../contracts/index.js';
import { logSigner, open, querySent, tempDir, witnessSigner } from '../helpers.js';

const ORIGIN_B = 'agency-b.example/audit/v1';
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function world() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const bKey = logSigner(ORIGIN_B);
  const logB = open(t.dir, bKey, {}, 'b.db');
  const witnessA = open(t.dir, logSigner('agency-a.example/audit/v1'), {}, 'a.db');
  cleanups.push(
    () => logB.close(),
    () => witnessA.close(),
  );
  const cosigner = witnessSigner('agency-a.example/witness');
  const config: WitnessConfig = { cosigner, logs: new Map([[ORIGIN_B, [verifierOf(bKey)]]]) };
  return { t, bKey, logB, witnessA, cosigner, config };
}

function codeOf(fn: () => unknown): { code: string; status: number; err: unknown } {
  try {
    fn();
  } catch (err) {
    if (isMosaicError(err)) return { code: err.code, status: err.status, err };
    throw err;
  }
  throw new Error('expected a MosaicError');
}

async function grow(log: ReturnType<typeof open>, n: number, from = 0) {
  for (let i = 0; i < n; i++) await log.append(querySent(from + i));
  return log.checkpointNow();
}

describe('C2SP tlog-witness add-checkpoint', () => {
  it('cosigns the first checkpoint and each consistent extension; the log stores the cosignatures', async () => {
    const { logB, witnessA, cosigner, config, bKey } = world();
    const cp3 = await grow(logB, 3);
    const lines = addCheckpoint(witnessA, config, formatAddCheckpoint(0, [], cp3.note), 1_767_225_600);
    expect(lines).toHaveLength(1);
    expect(logB.addCosignature(3, lines[0]!, verifierOf(cosigner))).toBe(1_767_225_600);
    expect(witnessA.witnessState(ORIGIN_B)).toMatchObject({ size: 3 });

    const cp7 = await grow(logB, 4, 3);
    const body = formatAddCheckpoint(3, logB.consistencyProof(3, 7), cp7.note);
    const lines7 = addCheckpoint(witnessA, config, body, 1_767_225_660);
    logB.addCosignature(7, lines7[0]!, verifierOf(cosigner));
    expect(witnessA.witnessState(ORIGIN_B)).toMatchObject({ size: 7 });

    // The cosigned checkpoint verifies offline with a 1-of-1 witness policy.
    const bundle = exportBundle(logB);
    const result = verifyBundle(bundle, { logKey: bKey, witnessKeys: [cosigner], minCosignatures: 1 });
    expect(result.failures).toEqual([]);
    // A cosignature for another checkpoint is refused by the log.
    expect(codeOf(() => logB.addCosignature(3, lines7[0]!, verifierOf(cosigner)))).toMatchObject({
      code: 'MOSAIC_ERR_AUDIT_COSIGNATURE_INVALID',
      status: 400,
    });
  });

  it('answers 409 with the recorded size when old is stale, and keeps its state', async () => {
    const { logB, witnessA, config } = world();
    const cp3 = await grow(logB, 3);
    addCheckpoint(witnessA, config, formatAddCheckpoint(0, [], cp3.note), 100);
    const cp5 = await grow(logB, 2, 3);
    const r = codeOf(() => addCheckpoint(witnessA, config, formatAddCheckpoint(0, [], cp5.note), 101));
    expect(r).toMatchObject({ code: 'MOSAIC_ERR_AUDIT_WITNESS_CONFLICT', status: 409 });
    expect(r.err).toBeInstanceOf(WitnessConflictError);
    expect((r.err as WitnessConflictError).currentSize).toBe(3);
    expect(witnessA.witnessState(ORIGIN_B)?.size).toBe(3);
  });

  it.each([
    ['malformed body', () => 'old 0\nnot base64!\n\nx', 'MOSAIC_ERR_AUDIT_WITNESS_MALFORMED', 400],
    ['missing blank line', () => 'old 0\n', 'MOSAIC_ERR_AUDIT_WITNESS_MALFORMED', 400],
    ['leading zero in old', () => 'old 01\n\nx\n', 'MOSAIC_ERR_AUDIT_WITNESS_MALFORMED', 400],
  ])('refuses a %s', (_n, body, code, status) => {
    const { witnessA, config } = world();
    expect(codeOf(() => addCheckpoint(witnessA, config, body(), 1))).toMatchObject({ code, status });
  });

  it('refuses an unknown origin (404), a bad signature (403), old > new (400), a bad proof (422)', async () => {
    const { logB, witnessA, config, t } = world();
    const stranger = logSigner('agency-x.example/audit/v1');
    const logX = open(t.dir, stranger, {}, 'x.db');
    cleanups.push(() => logX.close());
    const cpX = await grow(logX, 2);
    expect(
      codeOf(() => addCheckpoint(witnessA, config, formatAddCheckpoint(0, [], cpX.note), 1)),
    ).toMatchObject({
      code: 'MOSAIC_ERR_AUDIT_WITNESS_UNKNOWN_ORIGIN',
      status: 404,
    });

    const cp4 = await grow(logB, 4);
    const impostor: NoteSigner = logSigner(ORIGIN_B); // same name, other key
    const forged = signNote(cp4.note.split('\n\n')[0]! + '\n', [impostor]);
    expect(
      codeOf(() => addCheckpoint(witnessA, config, formatAddCheckpoint(0, [], forged), 1)),
    ).toMatchObject({
      code: 'MOSAIC_ERR_AUDIT_WITNESS_BAD_SIGNATURE',
      status: 403,
    });
    const altered = cp4.note.replace('\n4\n', '\n5\n');
    expect(
      codeOf(() => addCheckpoint(witnessA, config, formatAddCheckpoint(0, [], altered), 1)),
    ).toMatchObject({
      code: 'MOSAIC_ERR_AUDIT_WITNESS_BAD_SIGNATURE',
      status: 403,
    });
    expect(
      codeOf(() => addCheckpoint(witnessA, config, formatAddCheckpoint(9, [], cp4.note), 1)),
    ).toMatchObject({
      code: 'MOSAIC_ERR_AUDIT_WITNESS_OLD_SIZE',
      status: 400,
    });

    const cp2 = logB.checkpoints()[0]!;
    addCheckpoint(witnessA, config, formatAddCheckpoint(0, [], cp2.note), 1);
    const cp6 = await grow(logB, 2, 4);
    const proof = logB.consistencyProof(4, 6);
    const bad = [
      Buffer.from(Buffer.from(proof[0]!, 'base64').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64'),
      ...proof.slice(1),
    ];
    expect(
      codeOf(() => addCheckpoint(witnessA, config, formatAddCheckpoint(4, bad, cp6.note), 2)),
    ).toMatchObject({
      code: 'MOSAIC_ERR_AUDIT_WITNESS_BAD_PROOF',
      status: 422,
    });
    expect(witnessA.witnessState(ORIGIN_B)?.size).toBe(4);
    expect(addCheckpoint(witnessA, config, formatAddCheckpoint(4, proof, cp6.note), 3)).toHaveLength(1);
  });

  it('flags a log that signs two different checkpoints of the same size, with the evidence', async () => {
    const { logB, witnessA, config, bKey, t } = world();
    const cp3 = await grow(logB, 3);
    addCheckpoint(witnessA, config, formatAddCheckpoint(0, [], cp3.note), 10);
    // The same log key signs a forked history for another auditor.
    const fork = open(t.dir, bKey, {}, 'fork.db');
    cleanups.push(() => fork.close());
    const forkCp = await grow(fork, 3, 100);
    const r = codeOf(() => addCheckpoint(witnessA, config, formatAddCheckpoint(3, [], forkCp.note), 11));
    expect(r).toMatchObject({ code: 'MOSAIC_ERR_AUDIT_WITNESS_SPLIT_VIEW', status: 422 });
    const evidence = (r.err as SplitViewError).evidence;
    expect(evidence).toMatchObject({ origin: ORIGIN_B, size: 3, noteA: cp3.note, noteB: forkCp.note });
    expect(witnessA.splitViews()).toHaveLength(1);
    expect(splitViewDigest(evidence)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(witnessA.witnessState(ORIGIN_B)?.rootHash).toEqual(cp3.rootHash);
    // Offline, from two receipts alone:
    expect(detectSplitView(cp3.note, forkCp.note, [bKey], null, 0)).toMatchObject({ size: 3 });
    expect(detectSplitView(cp3.note, cp3.note, [bKey], null, 0)).toBeNull();
  });

  it('persists witness state across restarts', async () => {
    const { logB, witnessA, config, t } = world();
    const cp3 = await grow(logB, 3);
    addCheckpoint(witnessA, config, formatAddCheckpoint(0, [], cp3.note), 10);
    witnessA.close();
    const reopened = open(t.dir, logSigner('agency-a.example/audit/v1'), {}, 'a.db');
    cleanups.push(() => reopened.close());
    expect(reopened.witnessState(ORIGIN_B)).toMatchObject({ size: 3, note: cp3.note });
  });

  it('parses the request format: old line, up to 63 proof lines, blank line, note', () => {
    const h = Buffer.alloc(32, 1).toString('base64');
    expect(parseAddCheckpoint(`old 5\n${h}\n${h}\n\nnote\n`)).toMatchObject({ oldSize: 5, note: 'note\n' });
    expect(() => parseAddCheckpoint(`old 5\n${`${h}\n`.repeat(64)}\nnote\n`)).toThrow(
      /not well-formed|malformed/i,
    );
  });
});
