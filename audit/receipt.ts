import type { AuditReceipt } from '../contracts/index.js';
import { verifyInclusion } from './merkle/verify.js';
import { type Checkpoint, parseCheckpoint } from './note/checkpoint.js';
import type { NoteVerifierKey } from './note/keys.js';
import { openNote } from './note/note.js';
import type { InclusionProof } from './store/ledger.js';

export type ReceiptCheck =
  | { readonly ok: true; readonly checkpoint: Checkpoint; readonly covered: boolean }
  | { readonly ok: false; readonly reason: string };

/**
 * The requester's check of a responder's receipt: the checkpoint note must verify with the peer's log key (from
 * the trust list). `covered` says whether that checkpoint already includes the receipt's leaf; if not, the proof
 * can be fetched after the peer's next checkpoint.
 */
export function verifyReceipt(receipt: AuditReceipt, peerLogKey: NoteVerifierKey): ReceiptCheck {
  const opened = openNote(receipt.checkpoint, [peerLogKey]);
  if (!opened.ok) return { ok: false, reason: `checkpoint ${opened.reason}` };
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint === null) return { ok: false, reason: 'not a tlog-checkpoint' };
  if (receipt.leafHash !== undefined && !/^[0-9a-f]{64}$/.test(receipt.leafHash)) {
    return { ok: false, reason: 'bad leaf hash' };
  }
  return { ok: true, checkpoint, covered: receipt.leafIndex < checkpoint.size };
}

/**
 * Verify an inclusion proof fetched from a peer (`/fed/v1/audit/proofs/:index`): its checkpoint verifies with the
 * peer's log key, and the proof leads from `expectedLeafHash` (hex, from the receipt) to that checkpoint's root.
 */
export function verifyInclusionProof(
  proof: InclusionProof,
  peerLogKey: NoteVerifierKey,
  expectedLeafHash: string = proof.leafHash,
): ReceiptCheck {
  const check = verifyReceipt(
    { leafIndex: proof.leafIndex, leafHash: expectedLeafHash, checkpoint: proof.checkpoint },
    peerLogKey,
  );
  if (!check.ok) return check;
  if (check.checkpoint.size !== proof.treeSize)
    return { ok: false, reason: 'tree size differs from checkpoint' };
  const ok = verifyInclusion(
    proof.leafIndex,
    proof.treeSize,
    new Uint8Array(Buffer.from(expectedLeafHash, 'hex')),
    proof.hashes.map((h) => new Uint8Array(Buffer.from(h, 'base64'))),
    check.checkpoint.rootHash,
  );
  return ok ? check : { ok: false, reason: 'inclusion proof does not verify' };
}
