import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/** C2SP signed-note signature types (signed-note.md §"Signature types"). */
export const SIG_TYPE_ED25519 = 0x01;
/** C2SP tlog-cosignature: timestamped Ed25519 cosignature/v1. */
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;

export type NoteSigType = typeof SIG_TYPE_ED25519 | typeof SIG_TYPE_COSIGNATURE_V1;

/** A public key as a note verifier knows it: the name it signs under, its 4-byte key ID, type and raw key. */
export interface NoteVerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: NoteSigType;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
}

/** A private signing key together with its public identity. */
export interface NoteSigner extends NoteVerifierKey {
  readonly privateKey: KeyObject;
}

// PKCS#8 / SPKI DER prefixes for Ed25519 (RFC 8410 §7): a raw 32-byte key follows each.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Key names are non-empty, contain no whitespace and no `+` (signed-note.md §"Signatures"). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && isNoteText(name);
}

/** Valid UTF-8 text (as a JS string: no lone surrogates) with no control characters except newline. */
export function isNoteText(text: string): boolean {
  // With the u flag a surrogate pair is one code point, so this only matches lone surrogates (invalid UTF-8).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the rule being enforced is about control characters.
  return !/[\u0000-\u0009\u000b-\u001f\u007f\ud800-\udfff]/u.test(text);
}

/** key ID = first 4 bytes of SHA-256(name || 0x0A || type || public key), big-endian (signed-note.md). */
export function computeKeyId(name: string, type: number, publicKey: Uint8Array): number {
  const h = createHash('sha256')
    .update(name)
    .update(Buffer.from([0x0a, type]))
    .update(publicKey)
    .digest();
  return h.readUInt32BE(0);
}

/** Raw public key bytes of an Ed25519 KeyObject (public or private). */
export function rawEd25519PublicKey(key: KeyObject): Uint8Array {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== 'ed25519') throw new TypeError('expected an Ed25519 key');
  const der = pub.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - 32));
}

/** An Ed25519 KeyObject from a raw 32-byte public key. */
export function ed25519PublicKeyObject(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new TypeError('an Ed25519 public key has 32 bytes');
  // Verifiers check many notes with few keys (every checkpoint of a ledger): parse each key once.
  const id = Buffer.from(raw).toString('hex');
  let key = keyCache.get(id);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
    if (keyCache.size >= 256) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

const keyCache = new Map<string, KeyObject>();

/** An Ed25519 private KeyObject from its 32-byte seed (used for published test vectors). */
export function ed25519PrivateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new TypeError('an Ed25519 seed has 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/**
 * A note signer for `name` from an Ed25519 private key. Type 0x01 signs notes (checkpoints); type 0x04 is a
 * witness's cosignature/v1 key. A bad name is a programming or configuration mistake: TypeError.
 */
export function createNoteSigner(
  name: string,
  privateKey: KeyObject,
  type: NoteSigType = SIG_TYPE_ED25519,
): NoteSigner {
  if (!isValidKeyName(name)) throw new TypeError(`invalid note key name ${JSON.stringify(name)}`);
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError('a note signer needs an Ed25519 private key');
  }
  const publicKey = rawEd25519PublicKey(privateKey);
  return Object.freeze({ name, type, publicKey, keyId: computeKeyId(name, type, publicKey), privateKey });
}

/** The public half of a signer (what peers and auditors hold). */
export function verifierOf(signer: NoteVerifierKey): NoteVerifierKey {
  return Object.freeze({
    name: signer.name,
    keyId: signer.keyId,
    type: signer.type,
    publicKey: signer.publicKey,
  });
}

/** Verifier key text `<name>+<hex key ID>+<base64(type || public key)>` (signed-note.md "vkey"). */
export function formatVerifierKey(key: NoteVerifierKey): string {
  const blob = Buffer.concat([Buffer.from([key.type]), key.publicKey]).toString('base64');
  return `${key.name}+${key.keyId.toString(16).padStart(8, '0')}+${blob}`;
}

/**
 * Parse verifier key text, checking that the key ID matches the name and key (as Go's `note.NewVerifier`).
 * Returns null when it is not a well-formed Ed25519 or cosignature/v1 vkey.
 */
export function parseVerifierKey(text: string): NoteVerifierKey | null {
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  if (first <= 0 || second < 0) return null;
  const name = text.slice(0, first);
  const hex = text.slice(first + 1, second);
  const b64 = text.slice(second + 1);
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(hex) || !isStrictBase64(b64)) return null;
  const blob = Buffer.from(b64, 'base64');
  const type = blob[0];
  if ((type !== SIG_TYPE_ED25519 && type !== SIG_TYPE_COSIGNATURE_V1) || blob.length !== 33) return null;
  const publicKey = new Uint8Array(blob.subarray(1));
  const keyId = Number.parseInt(hex, 16);
  if (computeKeyId(name, type, publicKey) !== keyId) return null;
  return Object.freeze({ name, keyId, type, publicKey });
}

/** Standard base64 with padding that round-trips exactly (Buffer.from silently skips junk otherwise). */
export function isStrictBase64(s: string): boolean {
  return (
    s.length > 0 &&
    s.length % 4 === 0 &&
    /^[A-Za-z0-9+/]*={0,2}$/.test(s) &&
    Buffer.from(s, 'base64').toString('base64') === s
  );
}
