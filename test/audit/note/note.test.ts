import { describe, expect, it } from 'vitest';
import {
  computeKeyId,
  cosignCheckpoint,
  createNoteSigner,
  ed25519PrivateKeyFromSeed,
  formatCheckpoint,
  formatVerifierKey,
  openNote,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  SIG_TYPE_ED25519,
  signNote,
  verifierOf,
  verifyCosignature,
} from '../../../audit/index.js';
import { witnessSigner } from '../helpers.js';

// golang.org/x/mod/sumdb/note note_test.go: the PeterNeumann key pair and its published signature. Ed25519 is
// deterministic (RFC 8032), so our signer must reproduce the Go note byte for byte.
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const SKEY_BLOB = 'AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIG_LINE =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

function peter() {
  const seed = Buffer.from(SKEY_BLOB, 'base64').subarray(1);
  return createNoteSigner('PeterNeumann', ed25519PrivateKeyFromSeed(seed));
}

describe('C2SP signed-note', () => {
  it('reproduces the Go reference key id, vkey and signature byte for byte', () => {
    const signer = peter();
    expect(signer.keyId.toString(16)).toBe('c74f20a3');
    expect(formatVerifierKey(signer)).toBe(VKEY);
    expect(signNote(TEXT, [signer])).toBe(`${TEXT}\n${SIG_LINE}`);
  });

  it('opens the reference note with the parsed vkey', () => {
    const key = parseVerifierKey(VKEY)!;
    expect(key).toMatchObject({ name: 'PeterNeumann', type: SIG_TYPE_ED25519, keyId: 0xc74f20a3 });
    const opened = openNote(`${TEXT}\n${SIG_LINE}`, [key]);
    expect(opened).toMatchObject({ ok: true, text: TEXT });
  });

  it('computes key ids as SHA-256(name || 0x0A || type || key)[:4]', () => {
    const key = parseVerifierKey(VKEY)!;
    expect(computeKeyId('PeterNeumann', 1, key.publicKey)).toBe(0xc74f20a3);
  });

  it.each([
    ['altered text', `${TEXT.replace('cryptography', 'cryptographY')}\n${SIG_LINE}`, 'bad-signature'],
    ['no blank line', `${TEXT}${SIG_LINE}`, 'malformed'],
    ['ascii dash', `${TEXT}\n${SIG_LINE.replace('\u2014', '-')}`, 'malformed'],
    ['control character', `${TEXT.replace('If', 'I\u0007f')}\n${SIG_LINE}`, 'malformed'],
    ['bad base64', `${TEXT}\n\u2014 PeterNeumann x08go/!!\n`, 'malformed'],
    ['no final newline', `${TEXT}\n${SIG_LINE.trimEnd()}`, 'malformed'],
  ])('refuses a note with %s', (_name, note, reason) => {
    expect(openNote(note, [parseVerifierKey(VKEY)!])).toEqual({ ok: false, reason });
  });

  it('ignores signatures from unknown keys but needs one known key to verify', () => {
    const other = createNoteSigner('other.example/log', ed25519PrivateKeyFromSeed(Buffer.alloc(32, 7)));
    const note = `${TEXT}\n${SIG_LINE}${signNote(TEXT, [other]).slice(TEXT.length + 1)}`;
    expect(openNote(note, [parseVerifierKey(VKEY)!]).ok).toBe(true);
    expect(openNote(note, [verifierOf(other)]).ok).toBe(true);
    expect(openNote(`${TEXT}\n${SIG_LINE}`, [verifierOf(other)])).toEqual({
      ok: false,
      reason: 'no-known-signature',
    });
  });

  it.each([
    ['truncated', VKEY.slice(0, -1)],
    ['wrong key id', VKEY.replace('c74f20a3', 'c74f20a4')],
    ['renamed', VKEY.replace('PeterNeumann', 'PeterNeumanm')],
    ['unknown type', VKEY.replace('+ARpc', '+Ahpc')],
    ['space in name', `Peter Neumann+${VKEY.split('+').slice(1).join('+')}`],
  ])('refuses a %s vkey', (_name, vkey) => {
    expect(parseVerifierKey(vkey)).toBeNull();
  });

  it('refuses key names with spaces or plus signs (TypeError: a configuration mistake)', () => {
    const key = ed25519PrivateKeyFromSeed(Buffer.alloc(32, 1));
    expect(() => createNoteSigner('a b', key)).toThrow(TypeError);
    expect(() => createNoteSigner('a+b', key)).toThrow(TypeError);
  });
});

describe('C2SP tlog-checkpoint', () => {
  const root = Buffer.alloc(32, 0xab);
  it('formats origin, decimal size and base64 root, one per line', () => {
    const text = formatCheckpoint({ origin: 'police.example/audit/v1', size: 42, rootHash: root });
    expect(text).toBe(`police.example/audit/v1\n42\n${root.toString('base64')}\n`);
    expect(parseCheckpoint(text)).toEqual({
      origin: 'police.example/audit/v1',
      size: 42,
      rootHash: new Uint8Array(root),
    });
  });

  it('tolerates extension lines', () => {
    expect(parseCheckpoint(`o.example/log\n1\n${root.toString('base64')}\nTimestamp: 12345\n`)?.size).toBe(1);
  });

  it.each([
    ['leading zero', `o.example/log\n01\n${root.toString('base64')}\n`],
    ['negative', `o.example/log\n-1\n${root.toString('base64')}\n`],
    ['short root', `o.example/log\n1\n${Buffer.alloc(31).toString('base64')}\n`],
    ['two lines', 'o.example/log\n1\n'],
    ['no final newline', `o.example/log\n1\n${root.toString('base64')}`],
    ['space in origin', `o example\n1\n${root.toString('base64')}\n`],
  ])('refuses a checkpoint with %s', (_n, text) => {
    expect(parseCheckpoint(text)).toBeNull();
  });
});

describe('C2SP tlog-cosignature (cosignature/v1, type 0x04)', () => {
  const body = formatCheckpoint({
    origin: 'police.example/audit/v1',
    size: 3,
    rootHash: Buffer.alloc(32, 1),
  });

  it('signs "cosignature/v1\\ntime T\\n" + checkpoint, with an 8-byte timestamp before the signature', () => {
    const w = witnessSigner('witness.example/w1');
    const line = cosignCheckpoint(body, w, 1_700_000_000);
    const sig = parseNote(`${body}\n${line}\n`)!.signatures[0]!;
    expect(sig.signature.length).toBe(72);
    expect(Buffer.from(sig.signature.subarray(0, 8)).readBigUInt64BE(0)).toBe(1_700_000_000n);
    expect(verifyCosignature(body, sig, verifierOf(w))).toBe(1_700_000_000);
    expect(verifyCosignature(body.replace('\n3\n', '\n4\n'), sig, verifierOf(w))).toBeNull();
    const forged = { ...sig, signature: new Uint8Array(sig.signature) };
    forged.signature[3]! ^= 1; // change the timestamp: the signature covers it
    expect(verifyCosignature(body, forged, verifierOf(w))).toBeNull();
  });

  it('uses key ids over type 0x04, so a log key cannot pass as a cosigner key', () => {
    const w = witnessSigner('witness.example/w1');
    expect(w.keyId).toBe(computeKeyId(w.name, 0x04, w.publicKey));
    expect(w.keyId).not.toBe(computeKeyId(w.name, 0x01, w.publicKey));
    expect(parseVerifierKey(formatVerifierKey(w))).toMatchObject({ type: 0x04, keyId: w.keyId });
  });
});
