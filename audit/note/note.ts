import { sign as edSign, verify as edVerify } from 'node:crypto';
import {
  ed25519PublicKeyObject,
  isNoteText,
  isStrictBase64,
  isValidKeyName,
  type NoteSigner,
  type NoteVerifierKey,
  SIG_TYPE_ED25519,
} from './keys.js';

/** One signature line of a signed note: `— <name> <base64(keyID || signature)>`. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The signature bytes after the 4-byte key ID (for a cosignature: 8-byte timestamp || Ed25519 signature). */
  readonly signature: Uint8Array;
  /** The line as it appeared, without the final newline. */
  readonly line: string;
}

/** A signed note split into its signed text (with final newline) and signature lines. */
export interface ParsedNote {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

const EM_DASH = '\u2014';
/** signed-note.md: verifiers must accept at least 16 signatures; more is a resource-exhaustion guard. */
const MAX_SIGNATURES = 100;
/** Bound untrusted notes: a checkpoint with its cosignatures is well under this. */
export const MAX_NOTE_BYTES = 64 * 1024;

/** Format one signature line (without newline). */
export function formatSignatureLine(name: string, keyId: number, signature: Uint8Array): string {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(keyId >>> 0);
  return `${EM_DASH} ${name} ${Buffer.concat([id, signature]).toString('base64')}`;
}

/** Ed25519 signature over the note text, type 0x01 (signed-note.md). Returns the line without newline. */
export function signNoteText(text: string, signer: NoteSigner): string {
  if (signer.type !== SIG_TYPE_ED25519) throw new TypeError('signNoteText needs an Ed25519 (type 0x01) key');
  assertNoteText(text);
  const sig = edSign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  return formatSignatureLine(signer.name, signer.keyId, sig);
}

/** A complete signed note: text, blank line, one line per signer. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  if (signers.length === 0) throw new TypeError('signNote needs at least one signer');
  return `${text}\n${signers.map((s) => `${signNoteText(text, s)}\n`).join('')}`;
}

/** Append extra signature lines (e.g. cosignatures) to a signed note. */
export function addSignatureLines(note: string, lines: readonly string[]): string {
  return note + lines.map((l) => `${l}\n`).join('');
}

function assertNoteText(text: string): void {
  if (!text.endsWith('\n') || !isNoteText(text)) {
    throw new TypeError('note text must be UTF-8 without control characters and end with a newline');
  }
}

/**
 * Split a signed note (signed-note.md §"Format"): text up to and including the last newline before the final
 * blank line, then signature lines. Returns null for anything malformed; signatures are not checked here.
 */
export function parseNote(note: string): ParsedNote | null {
  if (note.length > MAX_NOTE_BYTES || !note.endsWith('\n') || !isNoteText(note)) return null;
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return null;
  const text = note.slice(0, split + 1);
  const sigBlock = note.slice(split + 2);
  const lines = sigBlock.slice(0, -1).split('\n');
  if (lines.length === 0 || lines.length > MAX_SIGNATURES) return null;
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    const m = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (m === null) return null;
    const name = m[1]!;
    const b64 = m[2]!;
    if (!isValidKeyName(name) || !isStrictBase64(b64)) return null;
    const raw = Buffer.from(b64, 'base64');
    if (raw.length < 5) return null;
    signatures.push({ name, keyId: raw.readUInt32BE(0), signature: new Uint8Array(raw.subarray(4)), line });
  }
  return { text, signatures };
}

/** Does `sig` (type 0x01) verify over `text` with `key`? */
export function verifyNoteSignature(text: string, sig: NoteSignature, key: NoteVerifierKey): boolean {
  if (key.type !== SIG_TYPE_ED25519 || sig.name !== key.name || sig.keyId !== key.keyId) return false;
  if (sig.signature.length !== 64) return false;
  return edVerify(null, Buffer.from(text, 'utf8'), ed25519PublicKeyObject(key.publicKey), sig.signature);
}

/** Outcome of opening a note against a set of known keys. */
export type OpenNoteResult =
  | { readonly ok: true; readonly text: string; readonly verifiedBy: readonly NoteVerifierKey[] }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad-signature' | 'no-known-signature' };

/**
 * Verify a note against known Ed25519 keys as signed-note.md requires: signatures from unknown (name, key ID)
 * pairs are ignored; a failing signature from a known key rejects the whole note; at least one known key must
 * verify. Cosignature lines (type 0x04) are not checked here: see `verifyCosignature`.
 */
export function openNote(note: string, keys: readonly NoteVerifierKey[]): OpenNoteResult {
  const parsed = parseNote(note);
  if (parsed === null) return { ok: false, reason: 'malformed' };
  const verifiedBy: NoteVerifierKey[] = [];
  for (const sig of parsed.signatures) {
    const key = keys.find((k) => k.type === SIG_TYPE_ED25519 && k.name === sig.name && k.keyId === sig.keyId);
    if (key === undefined) continue;
    if (!verifyNoteSignature(parsed.text, sig, key)) return { ok: false, reason: 'bad-signature' };
    if (!verifiedBy.includes(key)) verifiedBy.push(key);
  }
  if (verifiedBy.length === 0) return { ok: false, reason: 'no-known-signature' };
  return { ok: true, text: parsed.text, verifiedBy };
}
