import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addCheckpoint,
  type AuditBundle,
  type AuditLedger,
  exportBundle,
  formatAddCheckpoint,
  type NoteSigner,
  openNote,
  parseAddCheckpoint,
  parseCheckpoint,
  parseNote,
  verifierOf,
  verifyBundle,
  type WitnessConfig,
} from '../../audit/index.js';
import { logSigner, open, querySent, tempDir, witnessSigner } from '../audit/helpers.js';
import {
  codedOrValid,
  deepJsonText,
  expectNoPollution,
  hostileJson,
  hostileKey,
  hostileString,
  invalidUtf8,
  runs,
} from './hostile.js';

/** Hostile audit bundles (offline verifier) and witness add-checkpoint bodies (a peer's input) (issue 10 §2). */

const ORIGIN = 'agency-b.example/audit/v1';
/** Where in the valid body a hostile fragment is spliced (the body is about this long). */
const SPLICE_RANGE = 400;
let t: ReturnType<typeof tempDir>;
let signer: NoteSigner;
let log: AuditLedger;
let witnessStore: AuditLedger;
let bundle: AuditBundle;
let cosigner: NoteSigner;
let config: WitnessConfig;
let goodBody: string;

beforeAll(async () => {
  t = tempDir('mosaic-fuzz-audit-');
  signer = logSigner(ORIGIN);
  log = open(t.dir, signer, {}, 'log.db');
  for (let i = 0; i < 5; i++) await log.append(querySent(i), { selectors: { number: `+4072100000${i}` } });
  log.checkpointNow();
  for (let i = 5; i < 9; i++) await log.append(querySent(i));
  const cp = log.checkpointNow();
  bundle = exportBundle(log);
  cosigner = witnessSigner('agency-a.example/witness');
  witnessStore = open(t.dir, logSigner('agency-a.example/audit/v1'), {}, 'witness.db');
  config = { cosigner, logs: new Map([[ORIGIN, [verifierOf(signer)]]]) };
  goodBody = formatAddCheckpoint(0, [], cp.note);
});

afterAll(() => {
  log.close();
  witnessStore.close();
  t.cleanup();
});

/** Set a value at a random path inside a JSON value (or add a hostile key where the path ends). */
function mutate(base: unknown, path: readonly number[], value: unknown, key: string): unknown {
  if (base === null || typeof base !== 'object') return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(base) ? [...base] : { ...base };
  const keys = Object.keys(copy);
  if (path.length === 0 || keys.length === 0) {
    // JSON can give an array no named property: a hostile key goes on objects only.
    if (Array.isArray(copy)) copy.push(value);
    else Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
    return copy;
  }
  const k = keys[path[0]! % keys.length]!;
  (copy as Record<string, unknown>)[k] = mutate(
    (copy as Record<string, unknown>)[k],
    path.slice(1),
    value,
    key,
  );
  return copy;
}

/** Flip one character of one string somewhere in the bundle (a leaf, a proof hash, a note …). */
function flipChar(base: unknown, path: readonly number[], at: number): unknown {
  if (typeof base === 'string') {
    if (base.length === 0) return 'x';
    const i = at % base.length;
    const c = base.charCodeAt(i);
    return base.slice(0, i) + String.fromCharCode(c === 0x41 ? 0x42 : 0x41) + base.slice(i + 1);
  }
  if (base === null || typeof base !== 'object') return base;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(base) ? [...base] : { ...base };
  const keys = Object.keys(copy);
  if (keys.length === 0) return copy;
  const k = keys[(path[0] ?? at) % keys.length]!;
  (copy as Record<string, unknown>)[k] = flipChar((copy as Record<string, unknown>)[k], path.slice(1), at);
  return copy;
}

describe('audit bundles (offline verifyBundle)', () => {
  it('verifies the untouched export (the base of the mutations)', () => {
    expect(verifyBundle(bundle, { logKey: verifierOf(signer), expectWholeLog: true })).toMatchObject({
      ok: true,
      failures: [],
    });
  });

  it('returns failures and never throws on garbage, mutated or deeply nested bundles', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileJson,
          deepJsonText.map((s) => JSON.parse(s) as unknown),
          fc
            .tuple(fc.array(fc.nat(), { maxLength: 5 }), hostileJson, hostileKey)
            .map(([p, v, k]) => mutate(bundle, p, v, k)),
        ),
        (input) => {
          const r = codedOrValid(() => verifyBundle(input, { logKey: verifierOf(signer) }));
          expect(r.ok).toBe(true);
          if (r.ok && !r.value.ok) expect(r.value.failures.length).toBeGreaterThan(0);
          expectNoPollution();
        },
      ),
      runs(750),
    );
  });

  it('detects every one-character change to a leaf, proof, checkpoint or body (never ok)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), fc.nat(), (path, at) => {
        const tampered = flipChar(bundle, path, at) as AuditBundle;
        // Skip no-op changes: the path ended in an empty list, or the flip only touched the two unused low bits
        // of a base64 hash's last character (the same 32 bytes; proofs are not signed, so nothing is forged).
        if (canonicalB64(tampered) === canonicalB64(bundle)) return;
        const r = verifyBundle(tampered, { logKey: verifierOf(signer), expectWholeLog: true });
        // Only the unsigned, informational fields (the logKey and witnessKeys the bundle names, the range's
        // time labels, the agency) may change without a failure; a verifier uses the key it trusts.
        const informational = ['logKey', 'witnessKeys', 'agency', 'range'].some(
          (k) =>
            JSON.stringify((tampered as unknown as Record<string, unknown>)[k]) !==
            JSON.stringify((bundle as unknown as Record<string, unknown>)[k]),
        );
        if (!informational) expect(r.ok).toBe(false);
      }),
      runs(750),
    );
  });
});

describe('witness add-checkpoint bodies (what a peer POSTs to /fed/v1/witness/add-checkpoint)', () => {
  const body: fc.Arbitrary<string> = fc.oneof(
    hostileString,
    invalidUtf8.map((b) => Buffer.from(b).toString('utf8')),
    fc.tuple(fc.nat({ max: SPLICE_RANGE }), hostileString).map(([i, s]) => spliceBody(i, s)),
    fc
      .tuple(fc.nat(), fc.array(fc.base64String({ minLength: 44, maxLength: 44 }), { maxLength: 70 }))
      .map(
        ([old, proof]) =>
          `old ${old}\n${proof.map((p) => `${p}\n`).join('')}\n${goodBody.slice(goodBody.indexOf('\n\n') + 2)}`,
      ),
    fc.constantFrom(
      'old 0\n\n',
      'old -1\n\nx\n',
      'old 99999999999999999999\n\nx\n',
      'old 0\r\n\r\nx',
      `old 0\n\n${'a\n'.repeat(10_000)}`,
      `old 0\n\n${ORIGIN}\n18446744073709551616\nAAAA\n\n— ${ORIGIN} AAAA\n`,
    ),
  );

  it('ends every hostile body in a coded witness error or a cosignature, and stores no state on refusal', () => {
    fc.assert(
      fc.property(body, (text) => {
        const stateBefore = JSON.stringify(witnessStore.witnessState(ORIGIN));
        const r = codedOrValid(() => addCheckpoint(witnessStore, config, text, 1_795_000_000));
        if (!r.ok) {
          expect(r.error.code).toMatch(/^MOSAIC_ERR_AUDIT_WITNESS_/);
          expect(JSON.stringify(witnessStore.witnessState(ORIGIN))).toBe(stateBefore);
        }
        codedOrValid(() => parseAddCheckpoint(text));
      }),
      runs(900),
    );
  });

  it('parses notes and checkpoints from any text to a value or null, never throws', () => {
    fc.assert(
      fc.property(fc.oneof(hostileString, body), (text) => {
        parseNote(text);
        parseCheckpoint(text);
        openNote(text, [verifierOf(signer)]);
      }),
      runs(900),
    );
  });

  it('cosigns the valid checkpoint on a fresh witness, then answers the same body again without a new state', () => {
    const fresh = open(t.dir, logSigner('agency-c.example/audit/v1'), {}, 'fresh-witness.db');
    try {
      expect(addCheckpoint(fresh, config, goodBody, 1_795_000_000)).toHaveLength(1);
      const state = JSON.stringify(fresh.witnessState(ORIGIN));
      // Replaying the same body is stale (old 0 is no longer the recorded size): coded 409, state unchanged.
      const again = codedOrValid(() => addCheckpoint(fresh, config, goodBody, 1_795_000_001));
      expect(again.ok ? 'cosigned' : again.error.code).toBe('MOSAIC_ERR_AUDIT_WITNESS_CONFLICT');
      expect(JSON.stringify(fresh.witnessState(ORIGIN))).toBe(state);
    } finally {
      fresh.close();
    }
  });
});

/** The bundle as JSON with every base64 hash re-encoded canonically. */
function canonicalB64(b: unknown): string {
  return JSON.stringify(b, (_k, v: unknown) =>
    typeof v === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(v) ? Buffer.from(v, 'base64').toString('base64') : v,
  );
}

function spliceBody(at: number, s: string): string {
  const i = Math.min(at, goodBody.length);
  return goodBody.slice(0, i) + s.slice(0, 64) + goodBody.slice(i + 1);
}
