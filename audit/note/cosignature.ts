import { sign as edSign, verify as edVerify } from 'node:crypto';
import {
  ed25519PublicKeyObject,
  type NoteSigner,
  type NoteVerifierKey,
  SIG_TYPE_COSIGNATURE_V1,
} from './keys.js';
import { formatSignatureLine, type NoteSignature } from './note.js';

/**
 * The message a cosignature/v1 signs (tlog-cosignature.md): the header line, the time line, then the checkpoint
 * body including its final newline.
 */
export function cosignedMessage(checkpointText: string, timestamp: number): string {
  return `cosignature/v1\ntime ${timestamp}\n${checkpointText}`;
}

/**
 * A witness's cosignature line over a checkpoint body at `timestamp` (Unix seconds, passed in: the caller owns
 * the clock). Signature bytes are `u64 big-endian timestamp || Ed25519 signature` (type 0x04).
 */
export function cosignCheckpoint(checkpointText: string, witness: NoteSigner, timestamp: number): string {
  if (witness.type !== SIG_TYPE_COSIGNATURE_V1) throw new TypeError('a cosigner needs a type 0x04 key');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw new TypeError('timestamp must be Unix seconds');
  const sig = edSign(
    null,
    Buffer.from(cosignedMessage(checkpointText, timestamp), 'utf8'),
    witness.privateKey,
  );
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(timestamp));
  return formatSignatureLine(witness.name, witness.keyId, Buffer.concat([ts, sig]));
}

/** The timestamp of a cosignature if it verifies with `key` over `checkpointText`; null otherwise. */
export function verifyCosignature(
  checkpointText: string,
  sig: NoteSignature,
  key: NoteVerifierKey,
): number | null {
  if (key.type !== SIG_TYPE_COSIGNATURE_V1 || sig.name !== key.name || sig.keyId !== key.keyId) return null;
  if (sig.signature.length !== 8 + 64) return null;
  const tsBig = Buffer.from(sig.signature.subarray(0, 8)).readBigUInt64BE(0);
  if (tsBig > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  const timestamp = Number(tsBig);
  const ok = edVerify(
    null,
    Buffer.from(cosignedMessage(checkpointText, timestamp), 'utf8'),
    ed25519PublicKeyObject(key.publicKey),
    sig.signature.subarray(8),
  );
  return ok ? timestamp : null;
}
