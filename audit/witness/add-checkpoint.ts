import { canonicalDigest, MosaicError } from '../../contracts/index.js';
import { hashEquals } from '../merkle/hash.js';
import { verifyConsistency } from '../merkle/verify.js';
import { parseCheckpoint } from '../note/checkpoint.js';
import { cosignCheckpoint } from '../note/cosignature.js';
import {
  isStrictBase64,
  type NoteSigner,
  type NoteVerifierKey,
  SIG_TYPE_COSIGNATURE_V1,
} from '../note/keys.js';
import { MAX_NOTE_BYTES, openNote } from '../note/note.js';
import type { AuditLedger, SplitViewEvidence } from '../store/ledger.js';

/** tlog-witness.md: at most 63 consistency-proof lines. */
const MAX_PROOF_LINES = 63;

/** What a node needs to act as a witness for its peers' logs. */
export interface WitnessConfig {
  /** This node's cosigning key (type 0x04, cosignature/v1). */
  readonly cosigner: NoteSigner;
  /** The peer logs this node witnesses: origin → the log's Ed25519 verifier key(s) (from the trust list). */
  readonly logs: ReadonlyMap<string, readonly NoteVerifierKey[]>;
}

/** A parsed add-checkpoint request body. */
export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: readonly Uint8Array[];
  readonly note: string;
}

/** Thrown for 409: carries the size the witness has recorded, which the response body must state. */
export class WitnessConflictError extends MosaicError {
  readonly currentSize: number;
  constructor(currentSize: number) {
    super('MOSAIC_ERR_AUDIT_WITNESS_CONFLICT', { detail: `witness is at ${currentSize}` });
    this.currentSize = currentSize;
  }
}

/** Thrown for 422 when the log signed two checkpoints of one size with different roots: carries the evidence. */
export class SplitViewError extends MosaicError {
  readonly evidence: SplitViewEvidence;
  constructor(evidence: SplitViewEvidence) {
    super('MOSAIC_ERR_AUDIT_WITNESS_SPLIT_VIEW', {
      detail: `origin ${evidence.origin} size ${evidence.size}`,
    });
    this.evidence = evidence;
  }
}

/**
 * Parse `old <size>\n`, up to 63 base64 proof lines, an empty line, then the signed checkpoint
 * (tlog-witness.md §add-checkpoint). MOSAIC_ERR_AUDIT_WITNESS_MALFORMED for anything else.
 */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const malformed = (detail: string) => new MosaicError('MOSAIC_ERR_AUDIT_WITNESS_MALFORMED', { detail });
  if (body.length > MAX_NOTE_BYTES + MAX_PROOF_LINES * 46 + 32) throw malformed('too large');
  const blank = body.indexOf('\n\n');
  if (blank < 0) throw malformed('no blank line');
  const head = body.slice(0, blank).split('\n');
  const note = body.slice(blank + 2);
  const m = /^old (0|[1-9][0-9]{0,15})$/.exec(head[0] ?? '');
  if (m === null) throw malformed('bad old line');
  const oldSize = Number(m[1]);
  const proofLines = head.slice(1);
  if (proofLines.length > MAX_PROOF_LINES) throw malformed('too many proof lines');
  const proof = proofLines.map((line) => {
    const raw = isStrictBase64(line) ? Buffer.from(line, 'base64') : null;
    if (raw === null || raw.length !== 32) throw malformed('bad proof line');
    return new Uint8Array(raw);
  });
  return { oldSize, proof, note };
}

/** Format an add-checkpoint request body (the log side, when asking a peer to cosign). */
export function formatAddCheckpoint(oldSize: number, proof: readonly string[], note: string): string {
  return `old ${oldSize}\n${proof.map((p) => `${p}\n`).join('')}\n${note}`;
}

/**
 * The witness side of C2SP tlog-witness `add-checkpoint`, as a function of the stored witness state, the request
 * and the time: verify the log signature, check `old` against the recorded size, verify the consistency proof,
 * persist the new state atomically, then return the cosignature line(s). Errors, each coded:
 * 400 malformed / old > new, 404 unknown origin, 403 bad signature, 409 stale old size
 * ({@link WitnessConflictError} with the current size), 422 bad proof, 422 split view ({@link SplitViewError},
 * evidence recorded in the store).
 *
 * @param nowSeconds Unix time for the cosignature timestamp (passed in; the caller owns the clock).
 */
export function addCheckpoint(
  store: AuditLedger,
  config: WitnessConfig,
  body: string | AddCheckpointRequest,
  nowSeconds: number,
): string[] {
  if (config.cosigner.type !== SIG_TYPE_COSIGNATURE_V1)
    throw new TypeError('witness cosigner must be type 0x04');
  const req = typeof body === 'string' ? parseAddCheckpoint(body) : body;
  const split = req.note.lastIndexOf('\n\n');
  const cp = split < 0 ? null : parseCheckpoint(req.note.slice(0, split + 1));
  if (cp === null) throw new MosaicError('MOSAIC_ERR_AUDIT_WITNESS_MALFORMED', { detail: 'bad checkpoint' });
  const keys = config.logs.get(cp.origin);
  if (keys === undefined || keys.length === 0)
    throw new MosaicError('MOSAIC_ERR_AUDIT_WITNESS_UNKNOWN_ORIGIN');
  const opened = openNote(req.note, keys);
  if (!opened.ok) {
    throw new MosaicError(
      opened.reason === 'malformed'
        ? 'MOSAIC_ERR_AUDIT_WITNESS_MALFORMED'
        : 'MOSAIC_ERR_AUDIT_WITNESS_BAD_SIGNATURE',
      { detail: opened.reason },
    );
  }
  if (req.oldSize > cp.size) throw new MosaicError('MOSAIC_ERR_AUDIT_WITNESS_OLD_SIZE');

  const state = store.witnessState(cp.origin);
  const recordedSize = state?.size ?? 0;
  if (req.oldSize !== recordedSize) {
    // A same-size checkpoint with another root is proof of a split view even when `old` is stale.
    if (state !== null && cp.size === state.size && !hashEquals(cp.rootHash, state.rootHash)) {
      throw splitView(store, cp.origin, cp.size, state.note, req.note, nowSeconds);
    }
    throw new WitnessConflictError(recordedSize);
  }
  if (state !== null) {
    if (cp.size === state.size) {
      if (!hashEquals(cp.rootHash, state.rootHash)) {
        throw splitView(store, cp.origin, cp.size, state.note, req.note, nowSeconds);
      }
      if (req.proof.length !== 0) throw new MosaicError('MOSAIC_ERR_AUDIT_WITNESS_BAD_PROOF');
    } else if (!verifyConsistency(state.size, cp.size, state.rootHash, cp.rootHash, req.proof)) {
      throw new MosaicError('MOSAIC_ERR_AUDIT_WITNESS_BAD_PROOF');
    }
  } else if (req.proof.length !== 0) {
    // From the empty tree (old 0) the proof is empty (RFC 9162 §2.1.4: nothing to prove).
    throw new MosaicError('MOSAIC_ERR_AUDIT_WITNESS_BAD_PROOF');
  }
  // Persist before cosigning, atomically with the size check (tlog-witness.md: prevents rollback races).
  const stored = store.casWitnessState(cp.origin, state === null ? null : state.size, {
    size: cp.size,
    rootHash: cp.rootHash,
    note: req.note,
    updatedAt: nowSeconds * 1000,
  });
  if (!stored) throw new WitnessConflictError(store.witnessState(cp.origin)?.size ?? 0);
  return [cosignCheckpoint(opened.text, config.cosigner, nowSeconds)];
}

function splitView(
  store: AuditLedger,
  origin: string,
  size: number,
  noteA: string,
  noteB: string,
  nowSeconds: number,
): SplitViewError {
  const evidence: SplitViewEvidence = { origin, size, noteA, noteB, detectedAt: nowSeconds * 1000 };
  store.recordSplitView(evidence);
  return new SplitViewError(evidence);
}

/** Digest of split-view evidence, for the `witness-conflict` audit event. */
export function splitViewDigest(evidence: SplitViewEvidence): `sha256:${string}` {
  return canonicalDigest({
    origin: evidence.origin,
    size: evidence.size,
    notes: [evidence.noteA, evidence.noteB],
  });
}

/**
 * Check two signed checkpoints of one log (e.g. receipts from a peer) for a split view, offline. Both must verify
 * with `keys`. Returns evidence when they cannot both be honest: same size with different roots, or a
 * consistency proof supplied for them that fails. Null when consistent (or when no proof is available for
 * different sizes, which proves nothing either way).
 */
export function detectSplitView(
  noteA: string,
  noteB: string,
  keys: readonly NoteVerifierKey[],
  proof: readonly Uint8Array[] | null,
  nowMs: number,
): SplitViewEvidence | null {
  const a = openNote(noteA, keys);
  const b = openNote(noteB, keys);
  if (!a.ok || !b.ok) return null;
  const ca = parseCheckpoint(a.text);
  const cb = parseCheckpoint(b.text);
  if (ca === null || cb === null || ca.origin !== cb.origin) return null;
  const [small, large, sNote, lNote] = ca.size <= cb.size ? [ca, cb, noteA, noteB] : [cb, ca, noteB, noteA];
  const evidence = { origin: ca.origin, size: small.size, noteA: sNote, noteB: lNote, detectedAt: nowMs };
  if (small.size === large.size) return hashEquals(small.rootHash, large.rootHash) ? null : evidence;
  if (proof === null) return null;
  return verifyConsistency(small.size, large.size, small.rootHash, large.rootHash, proof) ? null : evidence;
}
