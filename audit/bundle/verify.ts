import { canonicalize, type CommittedAuditEvent, sha256Digest } from '../../contracts/index.js';
import { Frontier, hashEquals, leafHash, sha256DigestOf, TextFrontier } from '../merkle/hash.js';
import { verifyConsistency, verifyInclusion } from '../merkle/verify.js';
import { type Checkpoint, parseCheckpoint } from '../note/checkpoint.js';
import { verifyCosignature } from '../note/cosignature.js';
import { verify as cryptoVerify } from 'node:crypto';
import {
  ed25519PublicKeyObject,
  formatVerifierKey,
  type NoteVerifierKey,
  parseVerifierKey,
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
} from '../note/keys.js';
import { openNote, type ParsedNote, parseNote } from '../note/note.js';
import { isCommittedEvent } from '../store/events.js';
import type { AuditLedger } from '../store/ledger.js';
import type { AuditBundle } from './format.js';
import { validateBundle } from './format.js';

/** The keys an auditor trusts, obtained out of band (trust list, federation authority), never from the bundle. */
export interface TrustedKeys {
  /** The log's Ed25519 verifier key (vkey text or parsed). */
  readonly logKey: string | NoteVerifierKey;
  /** Witness cosignature/v1 keys; cosignatures by other keys are ignored (signed-note.md). */
  readonly witnessKeys?: readonly (string | NoteVerifierKey)[];
  /** How many distinct trusted witnesses must have cosigned the latest checkpoint (default 0). */
  readonly minCosignatures?: number;
  /** A checkpoint note of this log the auditor saw earlier: the bundle must not show a shorter or other history. */
  readonly lastSeen?: string;
  /**
   * The auditor asked for the whole log: a bundle that does not claim it (its range flags are not signed, so a
   * tamperer could relabel a truncated export as a partial one) is a failure.
   */
  readonly expectWholeLog?: boolean;
}

export interface VerifyResult {
  readonly ok: boolean;
  /** Each failure, precise enough to act on ("entry 5: ..."). Empty when ok. */
  readonly failures: readonly string[];
  /** Things that are not failures but an auditor should know (purged bodies, unknown cosigners). */
  readonly notes: readonly string[];
  readonly entriesChecked: number;
  readonly checkpointsChecked: number;
  /** The verified latest checkpoint's size (0 if none verified). */
  readonly treeSize: number;
}

function toKey(k: string | NoteVerifierKey, want: number): NoteVerifierKey {
  const key = typeof k === 'string' ? parseVerifierKey(k) : k;
  if (key === null || key.type !== want)
    throw new TypeError(`not a valid type 0x0${want} verifier key: ${String(k)}`);
  return key;
}

function keyLabel(k: NoteVerifierKey): string {
  return `${k.name}+${k.keyId.toString(16).padStart(8, '0')}`;
}

/**
 * Verify an audit bundle offline with only public keys. Checks, in order: the bundle's shape; every checkpoint's
 * log signature and cosignatures; consistency proofs between successive checkpoints (RFC 9162 §2.1.4.2); each
 * entry's inclusion proof against the latest checkpoint (§2.1.3.2), canonical form and body digest; that
 * entries are in order and, for unfiltered exports, contiguous; and for whole-log exports that the entries
 * reproduce the checkpoint root. Never throws on hostile input: every problem becomes a failure message.
 */
export function verifyBundle(input: unknown, trusted: TrustedKeys): VerifyResult {
  const logKey = toKey(trusted.logKey, SIG_TYPE_ED25519);
  const witnesses = (trusted.witnessKeys ?? []).map((k) => toKey(k, SIG_TYPE_COSIGNATURE_V1));
  const failures: string[] = [];
  const notes: string[] = [];
  const done = (entriesChecked: number, checkpointsChecked: number, treeSize: number): VerifyResult => ({
    ok: failures.length === 0,
    failures,
    notes,
    entriesChecked,
    checkpointsChecked,
    treeSize,
  });

  if (!validateBundle(input)) {
    for (const issue of validateBundle.issues())
      failures.push(`bundle is malformed at ${issue.path || '/'}: ${issue.message}`);
    return done(0, 0, 0);
  }
  const bundle: AuditBundle = input;
  if (trusted.expectWholeLog === true && !bundle.range.wholeLog) {
    failures.push('the whole log was asked for but the bundle is a partial export (truncated or relabelled)');
  }
  if (bundle.logKey !== formatVerifierKey(logKey)) {
    notes.push(`bundle names log key ${bundle.logKey}; verifying with the trusted key ${keyLabel(logKey)}`);
  }

  // 1. Checkpoints: signatures, cosignatures, order, consistency.
  const verified: (Checkpoint | null)[] = [];
  bundle.checkpoints.forEach((c, i) => {
    const label = `checkpoint #${i} (size ${c.size})`;
    const opened = openNote(c.note, [logKey]);
    if (!opened.ok) {
      failures.push(
        opened.reason === 'bad-signature'
          ? `${label}: log signature by ${keyLabel(logKey)} does not verify (checkpoint replaced or altered)`
          : opened.reason === 'malformed'
            ? `${label}: not a well-formed signed note`
            : `${label}: not signed by the trusted log key ${keyLabel(logKey)} (checkpoint replaced)`,
      );
      verified.push(null);
      return;
    }
    const cp = parseCheckpoint(opened.text);
    if (cp === null) {
      failures.push(`${label}: signed text is not a tlog-checkpoint`);
      verified.push(null);
      return;
    }
    if (cp.origin !== bundle.origin)
      failures.push(`${label}: origin ${cp.origin} is not the bundle origin ${bundle.origin}`);
    if (cp.size !== c.size)
      failures.push(`${label}: declared size ${c.size} but the signed checkpoint says ${cp.size}`);
    checkCosignatures(
      label,
      opened.text,
      c.note,
      witnesses,
      logKey,
      failures,
      notes,
      i === bundle.checkpoints.length - 1 ? (trusted.minCosignatures ?? 0) : 0,
    );
    verified.push(cp);
  });
  for (let i = 1; i < verified.length; i++) {
    const a = verified[i - 1];
    const b = verified[i];
    if (a == null || b == null) continue;
    if (b.size <= a.size) {
      failures.push(`checkpoints out of order: size ${b.size} follows size ${a.size}`);
      continue;
    }
    const link = bundle.consistency.find((p) => p.from === a.size && p.to === b.size);
    if (link === undefined) {
      failures.push(`no consistency proof from checkpoint ${a.size} to ${b.size}`);
    } else if (!verifyConsistency(a.size, b.size, a.rootHash, b.rootHash, link.proof.map(fromB64))) {
      failures.push(
        `checkpoints ${a.size} → ${b.size} are not consistent: the log was rewritten between them`,
      );
    }
  }
  const latest = verified[verified.length - 1] ?? null;
  if (latest === null) {
    failures.push('the latest checkpoint does not verify; no entry can be checked');
    return done(0, verified.length, 0);
  }
  if (trusted.lastSeen !== undefined) checkLastSeen(trusted.lastSeen, logKey, verified, failures);

  // 2. Entries.
  const frontier = bundle.range.wholeLog ? new Frontier() : null;
  let prev: number | null = null;
  let purged = 0;
  bundle.entries.forEach((e, pos) => {
    const label = `entry ${e.index}`;
    if (prev !== null && e.index <= prev) {
      failures.push(
        `entries out of order at position ${pos}: leaf ${e.index} after leaf ${prev} (reordered)`,
      );
    } else if (prev !== null && bundle.range.complete && e.index !== prev + 1) {
      for (let missing = prev + 1; missing < e.index && missing < prev + 11; missing++) {
        failures.push(`leaf ${missing} missing between ${prev} and ${e.index} (deleted)`);
      }
    }
    prev = e.index;
    if (e.index >= latest.size) {
      failures.push(`${label}: beyond the checkpoint size ${latest.size}`);
      return;
    }
    const lh = leafHash(e.leaf);
    frontier?.append(lh);
    if (!verifyInclusion(e.index, latest.size, lh, e.proof.map(fromB64), latest.rootHash)) {
      failures.push(
        `${label}: leaf does not verify against checkpoint ${latest.size} (event changed, leaves reordered or proof forged)`,
      );
    }
    let event: unknown;
    try {
      event = JSON.parse(e.leaf);
    } catch {
      failures.push(`${label}: leaf is not JSON`);
      return;
    }
    if (!isCommittedEvent(event) || canonicalize(event) !== e.leaf) {
      failures.push(`${label}: leaf is not the canonical form of a valid audit event`);
      return;
    }
    const committed = event as CommittedAuditEvent;
    if (e.body !== null) {
      if (committed.bodyDigest === null) failures.push(`${label}: has a body but the event commits to none`);
      else if (sha256Digest(e.body) !== committed.bodyDigest) {
        failures.push(`${label}: body does not match the committed bodyDigest (body changed)`);
      }
    } else if (committed.bodyDigest !== null) {
      purged++;
    }
  });
  if (purged > 0) notes.push(`${purged} entries have a purged body (their leaves still verify)`);

  const first = bundle.range.firstIndex;
  const last = bundle.range.lastIndex;
  const seenFirst = bundle.entries[0]?.index ?? null;
  const seenLast = bundle.entries[bundle.entries.length - 1]?.index ?? null;
  if (bundle.range.complete && first !== null && last !== null) {
    if (seenFirst !== first)
      failures.push(`range starts at leaf ${first} but the first entry is ${String(seenFirst)} (deleted)`);
    if (seenLast !== last)
      failures.push(`range ends at leaf ${last} but the last entry is ${String(seenLast)} (truncated)`);
  }
  if (bundle.range.wholeLog && frontier !== null) {
    if (first !== 0 || last !== latest.size - 1 || bundle.entries.length !== latest.size) {
      failures.push(
        `bundle claims the whole log but holds ${bundle.entries.length} entries for a checkpoint of ${latest.size} (log truncated or leaves deleted)`,
      );
    } else if (!hashEquals(frontier.root(), latest.rootHash)) {
      failures.push(`recomputed root over all ${latest.size} entries differs from the checkpoint root`);
    }
  }
  return done(bundle.entries.length, verified.length, latest.size);
}

function checkCosignatures(
  label: string,
  text: string,
  note: string,
  witnesses: readonly NoteVerifierKey[],
  logKey: NoteVerifierKey,
  failures: string[],
  notes: string[],
  min: number,
): void {
  const parsed = parseNote(note);
  if (parsed === null) return;
  const valid = new Set<string>();
  for (const sig of parsed.signatures) {
    if (sig.name === logKey.name && sig.keyId === logKey.keyId) continue;
    const key = witnesses.find((w) => w.name === sig.name && w.keyId === sig.keyId);
    if (key === undefined) {
      const byName = witnesses.some((w) => w.name === sig.name);
      if (byName)
        failures.push(`${label}: cosignature by ${sig.name} uses an unknown key id (forged cosignature)`);
      else notes.push(`${label}: ignored a signature by unknown key ${sig.name}`);
      continue;
    }
    if (verifyCosignature(text, sig, key) === null) {
      failures.push(
        `${label}: cosignature by witness ${keyLabel(key)} does not verify (forged or altered cosignature)`,
      );
    } else {
      valid.add(keyLabel(key));
    }
  }
  if (valid.size < min) failures.push(`${label}: ${valid.size} trusted cosignatures, ${min} required`);
}

function checkLastSeen(
  lastSeen: string,
  logKey: NoteVerifierKey,
  verified: readonly (Checkpoint | null)[],
  failures: string[],
): void {
  const opened = openNote(lastSeen, [logKey]);
  const seen = opened.ok ? parseCheckpoint(opened.text) : null;
  if (seen === null) {
    failures.push('the previously seen checkpoint does not verify with the log key');
    return;
  }
  const latest = verified[verified.length - 1]!;
  if (seen.size > latest.size) {
    failures.push(
      `log truncated: a checkpoint of size ${seen.size} was seen before, the bundle ends at ${latest.size}`,
    );
    return;
  }
  const same = verified.find((c) => c !== null && c.size === seen.size);
  if (same != null && !hashEquals(same.rootHash, seen.rootHash)) {
    failures.push(`split view: two different checkpoints of size ${seen.size} are signed by the log`);
  }
}

/** A note's log signature checked off the main thread; false if absent or invalid (signed-note.md rules). */
function verifyNoteAsync(parsed: ParsedNote, key: NoteVerifierKey): Promise<boolean> {
  const sigs = parsed.signatures.filter((s) => s.name === key.name && s.keyId === key.keyId);
  if (sigs.length === 0 || key.type !== SIG_TYPE_ED25519) return Promise.resolve(false);
  const data = Buffer.from(parsed.text, 'utf8');
  const publicKey = ed25519PublicKeyObject(key.publicKey);
  return Promise.all(
    sigs.map(
      (sig) =>
        new Promise<boolean>((resolve) => {
          if (sig.signature.length !== 64) return resolve(false);
          cryptoVerify(null, data, publicKey, sig.signature, (err, ok) => resolve(err === null && ok));
        }),
    ),
  ).then((oks) => oks.every(Boolean));
}

function fromB64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64'));
}

export interface LedgerVerifyResult {
  readonly ok: boolean;
  readonly failures: readonly string[];
  readonly entries: number;
  readonly checkpoints: number;
  readonly purgedBodies: number;
}

const BODY_DIGEST_KEY = '"bodyDigest":"sha256:';

/**
 * Re-hash the whole local ledger from its stored events: every leaf, every body digest, the root at every signed
 * checkpoint, and every checkpoint signature (with `logKey`, default the store's own key). Streams the stored
 * leaf text in chunks with O(log n) memory for the tree. When a root does not match, a second pass compares each
 * event with its stored leaf hash to name the entry that changed.
 */
export async function verifyLedger(
  store: AuditLedger,
  logKey: NoteVerifierKey = store.logKey,
): Promise<LedgerVerifyResult> {
  const failures: string[] = [];
  const checkpoints = store.checkpoints();
  // Signatures are checked on the libuv thread pool (crypto.verify with a callback) while this thread re-hashes
  // the leaves: on a ledger with a checkpoint per batch, Ed25519 verification would otherwise dominate.
  const signatures: Promise<boolean>[] = [];
  const targets: { size: number; root: Uint8Array; checkpoint: number }[] = [];
  checkpoints.forEach((cp, i) => {
    const parsed = parseNote(cp.note);
    signatures.push(parsed === null ? Promise.resolve(false) : verifyNoteAsync(parsed, logKey));
    const body = parsed === null ? null : parseCheckpoint(parsed.text);
    if (body === null) return; // reported below as a signature failure
    if (body.size !== cp.size || body.origin !== store.origin) {
      failures.push(`checkpoint ${cp.size}: signed text names ${body.origin} size ${body.size}`);
    }
    targets.push({ size: body.size, root: body.rootHash, checkpoint: i });
  });
  targets.sort((a, b) => a.size - b.size);
  const mismatches: { checkpoint: number; message: string }[] = [];

  const frontier = new TextFrontier();
  let t = 0;
  let rootMismatch = false;
  const checkTargets = () => {
    while (t < targets.length && targets[t]!.size === frontier.size) {
      if (!hashEquals(frontier.root(), targets[t]!.root)) {
        rootMismatch = true;
        mismatches.push({
          checkpoint: targets[t]!.checkpoint,
          message: `stored entries 0..${frontier.size - 1} do not reproduce the root of checkpoint ${frontier.size}`,
        });
      }
      t++;
    }
  };
  checkTargets();
  let purged = 0;
  const { count, gap } = store.leafIndexCheck();
  const limit = gap === null ? count : gap.missing;
  for (const { start, texts, bodies } of store.leafTextChunks(limit)) {
    for (let i = 0; i < texts.length; i++) {
      const index = start + i;
      const text = texts[i]!;
      frontier.appendLeafText(text);
      // "bodyDigest" is among the first members of the canonical (sorted) object: a short search.
      const at = text.indexOf(BODY_DIGEST_KEY);
      const bodyText = bodies.get(index);
      if (bodyText !== undefined) {
        const committed = at < 0 ? null : text.slice(at + 14, at + 14 + 71);
        if (committed !== sha256DigestOf(bodyText)) {
          failures.push(`leaf ${index}: body does not match the committed bodyDigest (body changed)`);
        }
      } else if (at >= 0) {
        purged++;
      }
      if (t < targets.length && targets[t]!.size === frontier.size) checkTargets();
    }
  }
  if (gap !== null) {
    failures.push(
      `leaf ${gap.missing} is missing (next stored leaf is ${gap.next === null ? 'none' : gap.next}): deleted`,
    );
  }
  const valid = await Promise.all(signatures);
  valid.forEach((ok, i) => {
    if (!ok) {
      failures.push(
        `checkpoint ${checkpoints[i]!.size}: log signature does not verify (checkpoint replaced or altered)`,
      );
    }
  });
  // A root mismatch against a checkpoint whose signature already failed says nothing more about the leaves.
  for (const m of mismatches) if (valid[m.checkpoint]) failures.push(m.message);
  for (; t < targets.length; t++) {
    failures.push(
      `checkpoint ${targets[t]!.size} covers ${targets[t]!.size} entries but the ledger holds ${frontier.size} (truncated)`,
    );
  }
  // Entries after the last checkpoint are covered by no signature yet, but the tree that serves proofs (built
  // from the stored leaf hashes) must still match the events.
  const servedRoot = gap !== null || frontier.size !== store.size ? null : store.rootAt(frontier.size);
  if (rootMismatch || gap !== null || servedRoot === null || !hashEquals(servedRoot, frontier.root())) {
    for (const row of store.rawLeaves()) {
      if (!hashEquals(leafHash(row.leafData), row.leafHash)) {
        failures.push(`leaf ${row.index}: stored event does not match its leaf hash (event changed)`);
      }
    }
    if (!rootMismatch && gap === null && failures.length === 0) {
      failures.push('stored leaf hashes do not match the tree this node serves proofs from');
    }
  }
  return {
    ok: failures.length === 0,
    failures,
    entries: frontier.size,
    checkpoints: checkpoints.length,
    purgedBodies: purged,
  };
}
