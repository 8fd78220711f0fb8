import Database from 'better-sqlite3';
import {
  type AuditEvent,
  type AuditReceipt,
  type CommittedAuditEvent,
  MosaicError,
} from '../../contracts/index.js';
import { hashEquals } from '../merkle/hash.js';
import { MerkleTree } from '../merkle/tree.js';
import { verifyConsistency } from '../merkle/verify.js';
import { formatCheckpoint, parseCheckpoint } from '../note/checkpoint.js';
import { verifyCosignature } from '../note/cosignature.js';
import { formatVerifierKey, type NoteSigner, type NoteVerifierKey, SIG_TYPE_ED25519 } from '../note/keys.js';
import { addSignatureLines, parseNote, signNote } from '../note/note.js';
import { prepareEntry, type PreparedEntry } from './events.js';
import { LEDGER_SCHEMA_SQL } from './schema.js';

/** How a ledger is opened. Invalid options are programming mistakes: TypeError at start-up. */
export interface LedgerOptions {
  /** SQLite file; created if missing. */
  readonly path: string;
  /** Checkpoint origin, the log's identity, e.g. `police.example/audit/v1` (tlog-checkpoint.md). */
  readonly origin: string;
  /** The node's Ed25519 log key (type 0x01). C2SP recommends its name equal the origin. */
  readonly logSigner: NoteSigner;
  /** This node's agency id; exported in bundles so reconciliation knows who is who. */
  readonly agency?: string;
  /** Milliseconds since the epoch. Injected: the ledger never reads the clock itself. */
  readonly clock: () => number;
  /** Sign a checkpoint once this many entries are uncovered (default 256). */
  readonly checkpointEvery?: number;
  /** ...or once the last checkpoint is this old and entries are uncovered (default 1000 ms; 0 disables). */
  readonly checkpointIntervalMs?: number;
  /** Upper bound on the database file (a quota; writes beyond it fail like a full disk). */
  readonly maxDatabaseBytes?: number;
  /** Open for reading only (auditor tools); every write rejects with MOSAIC_ERR_AUDIT_UNAVAILABLE. */
  readonly readonly?: boolean;
}

/** What an acknowledged append returns: durable once this resolves. */
export interface AppendResult {
  readonly leafIndex: number;
  /** Lower-case hex of the RFC 9162 leaf hash. */
  readonly leafHash: string;
  /** The signed checkpoint note covering this entry, when one was signed in the same commit. */
  readonly checkpoint?: string;
}

export interface AppendOptions {
  /** Sign a checkpoint in the same commit, so the receipt can carry one covering this entry. */
  readonly checkpoint?: boolean;
}

/** A signed checkpoint of this log. `note` includes any witness cosignatures collected so far. */
export interface SignedCheckpoint {
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly note: string;
  readonly createdAt: number;
}

/** One ledger entry as an auditor sees it. */
export interface LedgerEntry {
  readonly index: number;
  readonly leafHash: string;
  readonly event: CommittedAuditEvent;
  /** The exact leaf data (RFC 8785 text of `event`). */
  readonly leafData: string;
  /** The personal-data body, or null (none, or purged: see `purged`). */
  readonly body: unknown;
  readonly purged: boolean;
}

/** Raw stored row, as export and full verification read it. */
export interface RawLeaf {
  readonly index: number;
  readonly leafHash: Uint8Array;
  readonly leafData: string;
  /** RFC 8785 text of `{salt, data}`, or null. */
  readonly bodyText: string | null;
}

/** An inclusion proof of one entry against a signed checkpoint (RFC 9162 §2.1.3). */
export interface InclusionProof {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: string;
  /** base64 hashes, leaf sibling first (as tlog-proof). */
  readonly hashes: readonly string[];
  readonly checkpoint: string;
}

export interface ListFilter {
  /** Inclusive lower bound on event time (ISO, UTC). */
  readonly from?: string;
  /** Exclusive upper bound on event time. */
  readonly to?: string;
  readonly peer?: string;
  readonly direction?: 'outbound' | 'inbound' | 'local';
  /** The decision effect recorded by `decision` events. */
  readonly decision?: 'permit' | 'deny';
  readonly outcome?: 'hit' | 'no-hit' | 'denied' | 'error';
  readonly purpose?: string;
  readonly caseRef?: string;
  readonly officer?: string;
  readonly kind?: string;
  readonly jti?: string;
  /** Page size, 1..1000 (default 100). */
  readonly limit?: number;
  /** Cursor: only entries with an index greater than this (the `next` of the previous page). */
  readonly after?: number;
}

export interface ListPage {
  readonly entries: readonly LedgerEntry[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly next: number | null;
}

/** A peer log's latest checkpoint as this node, acting as its witness, recorded it. */
export interface WitnessState {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly note: string;
  readonly updatedAt: number;
}

/** Two validly signed checkpoints of one log that cannot both be true. */
export interface SplitViewEvidence {
  readonly origin: string;
  readonly size: number;
  readonly noteA: string;
  readonly noteB: string;
  readonly detectedAt: number;
}

interface Pending {
  readonly entry: PreparedEntry;
  readonly wantCheckpoint: boolean;
  readonly resolve: (r: AppendResult) => void;
  readonly reject: (e: unknown) => void;
}

type LeafRow = { idx: number; leaf_hash: Buffer; event: string; body: string | null };

/**
 * The node's audit ledger: an append-only RFC 9162 Merkle log in one SQLite file.
 *
 * Durability: WAL with `synchronous=FULL`, so a committed transaction has been fsynced to the WAL before
 * `append` resolves. Group commit: `append` only queues; one `setImmediate` flush writes every queued entry in
 * one transaction, so concurrent exchanges share one fsync. A failed transaction rejects every append of the
 * batch with MOSAIC_ERR_AUDIT_UNAVAILABLE and rolls the in-memory tree back: nothing is half-written.
 *
 * Proofs: every leaf hash is loaded into a {@link MerkleTree} at open (32 bytes per leaf plus cached interior
 * nodes), so proofs never touch the database; the tree is rebuilt from the stored leaf hashes (`entries`) on each open.
 */
export class AuditLedger {
  readonly origin: string;
  readonly agency: string | undefined;
  readonly logKey: NoteVerifierKey;
  private readonly db: Database.Database;
  private readonly tree = new MerkleTree();
  private readonly signer: NoteSigner;
  private readonly clock: () => number;
  private readonly every: number;
  private readonly intervalMs: number;
  private readonly readonly: boolean;
  private queue: Pending[] = [];
  private commits = 0;
  private appended = 0;
  private flushScheduled = false;
  private closed = false;
  private last: SignedCheckpoint | null = null;
  /** Set when the stored leaves do not reproduce the last checkpoint; signing is then refused. */
  private corruption: string | null = null;
  private readonly stmts: ReturnType<AuditLedger['prepareStatements']>;

  constructor(options: LedgerOptions) {
    checkOptions(options);
    this.origin = options.origin;
    this.agency = options.agency;
    this.signer = options.logSigner;
    this.logKey = Object.freeze({
      name: options.logSigner.name,
      keyId: options.logSigner.keyId,
      type: options.logSigner.type,
      publicKey: options.logSigner.publicKey,
    });
    this.clock = options.clock;
    this.every = options.checkpointEvery ?? 256;
    this.intervalMs = options.checkpointIntervalMs ?? 1000;
    this.readonly = options.readonly === true;
    try {
      this.db = new Database(options.path, { readonly: this.readonly, fileMustExist: this.readonly });
    } catch (cause) {
      throw new MosaicError('MOSAIC_ERR_AUDIT_UNAVAILABLE', { detail: `open ${options.path}`, cause });
    }
    try {
      if (!this.readonly) {
        this.db.pragma('journal_mode = WAL');
        // FULL: in WAL mode the WAL is fsynced at every commit, so an acknowledged append survives power loss.
        this.db.pragma('synchronous = FULL');
        this.db.exec(LEDGER_SCHEMA_SQL);
        if (options.maxDatabaseBytes !== undefined) {
          const pageSize = Number(this.db.pragma('page_size', { simple: true }));
          this.db.pragma(`max_page_count = ${Math.max(1, Math.floor(options.maxDatabaseBytes / pageSize))}`);
        }
        this.bindMeta();
      }
      this.stmts = this.prepareStatements();
      this.load();
    } catch (cause) {
      this.db.close();
      if (cause instanceof TypeError || cause instanceof MosaicError) throw cause;
      throw new MosaicError('MOSAIC_ERR_AUDIT_UNAVAILABLE', { detail: 'initialise ledger', cause });
    }
  }

  /** Number of committed entries. */
  get size(): number {
    return this.tree.size;
  }

  /** Counters for metrics: durable transactions (fsyncs) and entries they carried since open. */
  stats(): { readonly commits: number; readonly appends: number; readonly pending: number } {
    return { commits: this.commits, appends: this.appended, pending: this.queue.length };
  }

  /** The problem found at open (stored leaves do not reproduce the last checkpoint), or null. */
  get corruptionDetected(): string | null {
    return this.corruption;
  }

  /**
   * Append one event (and its optional personal-data body) to the ledger. Resolves with the leaf index and hash
   * only after the transaction holding it has committed durably. Rejects with MOSAIC_ERR_AUDIT_EVENT_INVALID for
   * an event outside the schema and MOSAIC_ERR_AUDIT_UNAVAILABLE when the database cannot be written.
   */
  append(event: AuditEvent, body?: unknown, options: AppendOptions = {}): Promise<AppendResult> {
    if (this.closed || this.readonly) {
      return Promise.reject(
        new MosaicError('MOSAIC_ERR_AUDIT_UNAVAILABLE', { detail: this.closed ? 'closed' : 'read-only' }),
      );
    }
    let entry: PreparedEntry;
    try {
      entry = prepareEntry(event, body);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ entry, wantCheckpoint: options.checkpoint === true, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // setImmediate, not queueMicrotask: appends issued by other requests in this turn of the event loop
        // (and by I/O callbacks already due) join the batch and share its fsync.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Write every queued append now, in one transaction. Normally called by the scheduled flush. */
  flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const base = this.tree.size;
    for (const p of batch) this.tree.append(p.entry.leafHash);
    let checkpoint: SignedCheckpoint | null = null;
    try {
      const wantCheckpoint =
        batch.some((p) => p.wantCheckpoint) || this.checkpointDue(this.tree.size, this.clock());
      this.db.transaction(() => {
        for (let i = 0; i < batch.length; i++) this.insertEntry(base + i, batch[i]!.entry);
        if (wantCheckpoint && this.corruption === null) checkpoint = this.signCheckpointInTx(this.tree.size);
      })();
    } catch (cause) {
      this.tree.truncate(base);
      const err =
        cause instanceof MosaicError
          ? cause
          : new MosaicError('MOSAIC_ERR_AUDIT_UNAVAILABLE', { detail: 'append transaction failed', cause });
      for (const p of batch) p.reject(err);
      return;
    }
    this.commits++;
    this.appended += batch.length;
    const signed = checkpoint as SignedCheckpoint | null;
    if (signed !== null) this.last = signed;
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i]!;
      p.resolve({
        leafIndex: base + i,
        leafHash: asBuffer(p.entry.leafHash).toString('hex'),
        ...(signed === null ? {} : { checkpoint: signed.note }),
      });
    }
  }

  /**
   * Sign a checkpoint over every committed entry now (or return the latest if nothing is new). Verifies that the
   * new tree is consistent with the last signed one first: a node never signs two inconsistent checkpoints.
   */
  checkpointNow(): SignedCheckpoint {
    this.assertWritable();
    if (this.last !== null && this.last.size === this.tree.size) return this.latestCheckpoint()!;
    try {
      const signed = this.db.transaction(() => this.signCheckpointInTx(this.tree.size))();
      this.last = signed;
      return signed;
    } catch (cause) {
      if (cause instanceof MosaicError) throw cause;
      throw new MosaicError('MOSAIC_ERR_AUDIT_UNAVAILABLE', { detail: 'checkpoint failed', cause });
    }
  }

  /** Sign a checkpoint if the configured interval has passed with entries uncovered; else null. */
  maybeCheckpoint(): SignedCheckpoint | null {
    if (this.readonly || this.closed) return null;
    return this.checkpointDue(this.tree.size, this.clock()) ? this.checkpointNow() : null;
  }

  /** The latest signed checkpoint with its cosignatures, or null before the first. */
  latestCheckpoint(): SignedCheckpoint | null {
    const row = this.stmts.latestCheckpoint.get() as CheckpointRow | undefined;
    return row === undefined ? null : this.withCosignatures(row);
  }

  /** The checkpoint signed at exactly `size`, with its cosignatures. */
  checkpointAt(size: number): SignedCheckpoint | null {
    const row = this.stmts.checkpointAt.get(size) as CheckpointRow | undefined;
    return row === undefined ? null : this.withCosignatures(row);
  }

  /** Every signed checkpoint, oldest first, with cosignatures. */
  checkpoints(): SignedCheckpoint[] {
    return (this.stmts.allCheckpoints.all() as CheckpointRow[]).map((r) => this.withCosignatures(r));
  }

  /** The receipt a response carries: leaf index and hash, and the latest checkpoint note. */
  receipt(leafIndex: number): AuditReceipt {
    const leaf = this.leafHashHex(leafIndex);
    const cp = this.latestCheckpoint();
    if (cp === null || cp.size <= leafIndex) throw new MosaicError('MOSAIC_ERR_AUDIT_NOT_COVERED');
    return { leafIndex, leafHash: leaf, checkpoint: cp.note };
  }

  /**
   * Inclusion proof of entry `leafIndex` against the signed checkpoint of `treeSize` (default: the latest).
   * MOSAIC_ERR_AUDIT_NOT_FOUND for no such entry, MOSAIC_ERR_AUDIT_NOT_COVERED when no checkpoint covers it.
   */
  inclusionProof(leafIndex: number, treeSize?: number): InclusionProof {
    const leafHash = this.leafHashHex(leafIndex);
    const cp = treeSize === undefined ? this.latestCheckpoint() : this.checkpointAt(treeSize);
    if (cp === null) {
      throw new MosaicError(
        treeSize === undefined ? 'MOSAIC_ERR_AUDIT_NOT_COVERED' : 'MOSAIC_ERR_AUDIT_BAD_RANGE',
      );
    }
    if (cp.size <= leafIndex) throw new MosaicError('MOSAIC_ERR_AUDIT_NOT_COVERED');
    const hashes = this.tree.inclusionProof(leafIndex, cp.size).map((h) => Buffer.from(h).toString('base64'));
    return { leafIndex, treeSize: cp.size, leafHash, hashes, checkpoint: cp.note };
  }

  /** Consistency proof (RFC 9162 §2.1.4.1) between two sizes ≤ the committed size, base64 hashes. */
  consistencyProof(first: number, second: number = this.last?.size ?? 0): string[] {
    if (
      !Number.isSafeInteger(first) ||
      !Number.isSafeInteger(second) ||
      first < 0 ||
      first > second ||
      second > this.tree.size
    ) {
      throw new MosaicError('MOSAIC_ERR_AUDIT_BAD_RANGE');
    }
    return this.tree.consistencyProof(first, second).map((h) => Buffer.from(h).toString('base64'));
  }

  /** Root hash over the first `size` committed entries. */
  rootAt(size: number): Uint8Array {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.tree.size) {
      throw new MosaicError('MOSAIC_ERR_AUDIT_BAD_RANGE');
    }
    return this.tree.rootAt(size);
  }

  /**
   * Store a witness's cosignature line for the checkpoint of `size`, after verifying it with `witness` (a type
   * 0x04 key). Returns the cosignature's timestamp. MOSAIC_ERR_AUDIT_COSIGNATURE_INVALID when it does not verify.
   */
  addCosignature(size: number, line: string, witness: NoteVerifierKey): number {
    this.assertWritable();
    const cp = this.stmts.checkpointAt.get(size) as CheckpointRow | undefined;
    if (cp === undefined) throw new MosaicError('MOSAIC_ERR_AUDIT_BAD_RANGE');
    const parsed = parseNote(`${checkpointText(cp.note)}\n${line.trimEnd()}\n`);
    const sig = parsed?.signatures[0];
    const ts = sig === undefined ? null : verifyCosignature(parsed!.text, sig, witness);
    if (ts === null) throw new MosaicError('MOSAIC_ERR_AUDIT_COSIGNATURE_INVALID');
    try {
      this.stmts.upsertCosignature.run(size, witness.name, witness.keyId, sig!.line, ts);
    } catch (cause) {
      throw new MosaicError('MOSAIC_ERR_AUDIT_UNAVAILABLE', { detail: 'store cosignature', cause });
    }
    return ts;
  }

  /** One entry with its event and body. MOSAIC_ERR_AUDIT_NOT_FOUND if there is none. */
  get(index: number): LedgerEntry {
    const row = Number.isSafeInteger(index)
      ? (this.stmts.getLeaf.get(index) as LeafRow | undefined)
      : undefined;
    if (row === undefined) throw new MosaicError('MOSAIC_ERR_AUDIT_NOT_FOUND');
    return toEntry(row);
  }

  /** Filtered, paginated listing for auditors (keyset pagination on the leaf index). */
  list(filter: ListFilter = {}): ListPage {
    const limit = filter.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
      throw new MosaicError('MOSAIC_ERR_AUDIT_BAD_RANGE', {
        issues: [{ path: '/limit', message: 'is 1..1000' }],
      });
    }
    const where: string[] = ['l.idx > ?'];
    const params: (string | number)[] = [filter.after ?? -1];
    const eq: [keyof ListFilter, string][] = [
      ['peer', 'l.peer'],
      ['direction', 'l.direction'],
      ['decision', 'l.effect'],
      ['outcome', 'l.outcome'],
      ['purpose', 'l.purpose'],
      ['caseRef', 'l.case_ref'],
      ['officer', 'l.officer'],
      ['kind', 'l.kind'],
      ['jti', 'l.jti'],
    ];
    for (const [key, column] of eq) {
      const value = filter[key];
      if (value !== undefined) {
        where.push(`${column} = ?`);
        params.push(String(value));
      }
    }
    if (filter.from !== undefined) {
      where.push('l.time >= ?');
      params.push(filter.from);
    }
    if (filter.to !== undefined) {
      where.push('l.time < ?');
      params.push(filter.to);
    }
    const rows = this.db
      .prepare(
        `SELECT l.idx, l.leaf_hash, v.event, b.body FROM entries l JOIN leaves v ON v.idx = l.idx
         LEFT JOIN bodies b ON b.idx = l.idx WHERE ${where.join(' AND ')} ORDER BY l.idx LIMIT ?`,
      )
      .all(...params, limit + 1) as LeafRow[];
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return { entries: page.map(toEntry), next: more ? page[page.length - 1]!.idx : null };
  }

  /** Raw stored rows with index in [from, to), in order, for export and full verification. */
  *rawLeaves(from = 0, to = Number.MAX_SAFE_INTEGER, chunk = 4096): Generator<RawLeaf> {
    for (let start = from; start < to; start += chunk) {
      const end = Math.min(to, start + chunk);
      const rows = this.stmts.rawRange.raw(true).all(start, end) as [number, Buffer, string, string | null][];
      for (const [index, hash, leafData, bodyText] of rows)
        yield { index, leafHash: hash, leafData, bodyText };
      if (rows.length < end - start) return;
    }
  }

  /**
   * How many `leaves` rows are stored, and the first gap in their indices if they are not exactly 0..count-1
   * (only after tampering with the file): `missing` is the first absent index, `next` the stored one after it.
   */
  leafIndexCheck(): { count: number; gap: { missing: number; next: number | null } | null } {
    const [count, min, max] = this.db
      .prepare('SELECT count(*), coalesce(min(idx), 0), coalesce(max(idx), -1) FROM leaves')
      .raw(true)
      .get() as [number, number, number];
    if (min === 0 && max === count - 1) return { count, gap: null };
    let expected = 0;
    for (const idx of this.db
      .prepare('SELECT idx FROM leaves ORDER BY idx')
      .pluck()
      .iterate() as Iterable<number>) {
      if (idx !== expected) return { count, gap: { missing: expected, next: idx } };
      expected++;
    }
    return { count, gap: { missing: expected, next: null } };
  }

  /**
   * Stored leaf texts in index order with their bodies, in chunks starting at `start` (which must be ≤ the
   * first gap, see {@link firstMissingLeaf}): the full verifier's fast path, reading plain columns only.
   */
  *leafTextChunks(
    limit: number,
    chunk = 1024,
  ): Generator<{ start: number; texts: string[]; bodies: Map<number, string> }> {
    const leaves = this.db
      .prepare('SELECT event FROM leaves WHERE idx >= ? AND idx < ? ORDER BY idx')
      .pluck();
    const bodies = this.db.prepare('SELECT idx, body FROM bodies WHERE idx >= ? AND idx < ?').raw(true);
    for (let start = 0; start < limit; start += chunk) {
      const end = Math.min(limit, start + chunk);
      yield {
        start,
        texts: leaves.all(start, end) as string[],
        bodies: new Map(bodies.all(start, end) as [number, string][]),
      };
    }
  }

  /** Number of rows in the leaves table (differs from `size` only if the file was tampered with). */
  storedLeafCount(): number {
    return Number(this.db.prepare('SELECT count(*) FROM leaves').pluck().get());
  }

  /** Delete bodies of entries whose event time is before `before` (ISO). The tree is untouched. */
  purgeBodies(before: string): number {
    this.assertWritable();
    try {
      return this.stmts.purge.run(before).changes;
    } catch (cause) {
      throw new MosaicError('MOSAIC_ERR_AUDIT_UNAVAILABLE', { detail: 'purge', cause });
    }
  }

  /** The witness state this node keeps for a peer log's origin, or null if it never cosigned for it. */
  witnessState(origin: string): WitnessState | null {
    const row = this.stmts.getWitness.get(origin) as
      | { origin: string; size: number; root: Buffer; note: string; updated_at: number }
      | undefined;
    return row === undefined
      ? null
      : { origin: row.origin, size: row.size, rootHash: row.root, note: row.note, updatedAt: row.updated_at };
  }

  /**
   * Compare-and-swap the witness state for `origin`: succeeds only if the stored size is still `expectedSize`
   * (null: no state yet). tlog-witness.md requires the check and the update to be atomic so two concurrent
   * add-checkpoint calls cannot roll the witness back. Returns false when another update won.
   */
  casWitnessState(origin: string, expectedSize: number | null, next: Omit<WitnessState, 'origin'>): boolean {
    this.assertWritable();
    try {
      return this.db.transaction(() => {
        const cur = this.stmts.getWitness.get(origin) as { size: number } | undefined;
        if ((cur?.size ?? null) !== expectedSize) return false;
        this.stmts.putWitness.run(origin, next.size, Buffer.from(next.rootHash), next.note, next.updatedAt);
        return true;
      })();
    } catch (cause) {
      throw new MosaicError('MOSAIC_ERR_AUDIT_UNAVAILABLE', { detail: 'witness state', cause });
    }
  }

  /** Keep evidence that a peer log signed two incompatible checkpoints. */
  recordSplitView(evidence: SplitViewEvidence): void {
    this.assertWritable();
    try {
      this.stmts.putConflict.run(
        evidence.origin,
        evidence.size,
        evidence.noteA,
        evidence.noteB,
        evidence.detectedAt,
      );
    } catch (cause) {
      throw new MosaicError('MOSAIC_ERR_AUDIT_UNAVAILABLE', { detail: 'witness conflict', cause });
    }
  }

  /** Every split view recorded (for readyz, metrics and admin review). */
  splitViews(): SplitViewEvidence[] {
    return (
      this.stmts.allConflicts.all() as {
        origin: string;
        size: number;
        note_a: string;
        note_b: string;
        detected_at: number;
      }[]
    ).map((r) => ({
      origin: r.origin,
      size: r.size,
      noteA: r.note_a,
      noteB: r.note_b,
      detectedAt: r.detected_at,
    }));
  }

  /** Write what is queued, then close the database. Further appends reject with UNAVAILABLE. */
  close(): void {
    if (this.closed) return;
    if (!this.readonly) this.flush();
    this.closed = true;
    this.db.close();
  }

  // ------------------------------------------------------------------------------------------------------

  private prepareStatements() {
    const db = this.db;
    return {
      insertLeaf: this.readonly ? null : db.prepare('INSERT INTO leaves (idx, event) VALUES (?, ?)'),
      insertEntry: this.readonly
        ? null
        : db.prepare(
            `INSERT INTO entries (idx, leaf_hash, time, kind, direction, peer, jti, purpose, case_ref, officer,
             effect, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ),
      insertBody: this.readonly ? null : db.prepare('INSERT INTO bodies (idx, time, body) VALUES (?, ?, ?)'),
      insertCheckpoint: this.readonly
        ? null
        : db.prepare('INSERT INTO checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)'),
      latestCheckpoint: db.prepare('SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1'),
      checkpointAt: db.prepare('SELECT * FROM checkpoints WHERE size = ?'),
      allCheckpoints: db.prepare('SELECT * FROM checkpoints ORDER BY size'),
      cosignaturesOf: db.prepare('SELECT line FROM cosignatures WHERE size = ? ORDER BY witness, key_id'),
      upsertCosignature: db.prepare(
        `INSERT INTO cosignatures (size, witness, key_id, line, timestamp) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (size, witness, key_id) DO UPDATE SET line = excluded.line, timestamp = excluded.timestamp`,
      ),
      getLeaf: db.prepare(
        `SELECT l.idx, l.leaf_hash, v.event, b.body FROM entries l JOIN leaves v ON v.idx = l.idx
         LEFT JOIN bodies b ON b.idx = l.idx WHERE l.idx = ?`,
      ),
      rawRange: db.prepare(
        `SELECT l.idx, l.leaf_hash, v.event, b.body FROM entries l JOIN leaves v ON v.idx = l.idx
         LEFT JOIN bodies b ON b.idx = l.idx WHERE l.idx >= ? AND l.idx < ? ORDER BY l.idx`,
      ),
      purge: db.prepare('DELETE FROM bodies WHERE time < ?'),
      getWitness: db.prepare('SELECT * FROM witness_state WHERE origin = ?'),
      putWitness: db.prepare(
        `INSERT INTO witness_state (origin, size, root, note, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note,
         updated_at = excluded.updated_at`,
      ),
      putConflict: db.prepare(
        'INSERT INTO witness_conflicts (origin, size, note_a, note_b, detected_at) VALUES (?, ?, ?, ?, ?)',
      ),
      allConflicts: db.prepare('SELECT * FROM witness_conflicts ORDER BY id'),
    };
  }

  /** Record the origin and log key on first open; refuse to reopen a ledger under another identity. */
  private bindMeta(): void {
    const get = this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    const put = this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    const vkey = formatVerifierKey(this.logKey);
    const origin = get.get('origin') as string | undefined;
    if (origin === undefined) {
      this.db.transaction(() => {
        put.run('origin', this.origin);
        put.run('log_key', vkey);
      })();
    } else if (origin !== this.origin) {
      throw new TypeError(`ledger belongs to origin ${origin}, not ${this.origin}`);
    }
  }

  private load(): void {
    let expected = 0;
    for (const row of this.db
      .prepare('SELECT idx, leaf_hash FROM entries ORDER BY idx')
      .raw(true)
      .iterate()) {
      const [idx, hash] = row as [number, Buffer];
      if (idx !== expected) {
        this.corruption = `leaf ${expected} is missing (next stored leaf is ${idx})`;
        break;
      }
      this.tree.append(hash);
      expected++;
    }
    const latest = this.stmts.latestCheckpoint.get() as CheckpointRow | undefined;
    if (latest === undefined) return;
    this.last = this.withCosignatures(latest);
    if (this.corruption !== null) return;
    if (latest.size > this.tree.size) {
      this.corruption = `checkpoint covers ${latest.size} entries but only ${this.tree.size} are stored`;
    } else if (!hashEquals(this.tree.rootAt(latest.size), latest.root)) {
      this.corruption = `stored entries do not reproduce the root of checkpoint ${latest.size}`;
    }
  }

  private checkpointDue(size: number, now: number): boolean {
    const lastSize = this.last?.size ?? 0;
    if (size <= lastSize) return false;
    if (size - lastSize >= this.every) return true;
    return this.intervalMs > 0 && now - (this.last?.createdAt ?? 0) >= this.intervalMs;
  }

  private insertEntry(index: number, entry: PreparedEntry): void {
    const e = entry.committed as CommittedAuditEvent & Record<string, unknown>;
    const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
    this.stmts.insertLeaf!.run(index, entry.leafData);
    this.stmts.insertEntry!.run(
      index,
      asBuffer(entry.leafHash),
      e.time,
      e.kind,
      e.direction,
      str(e['peer']),
      str(e['jti']),
      str(e['purpose']),
      str(e['caseRef']),
      e.officer,
      e.kind === 'decision' ? e.effect : null,
      str(e['outcome']),
    );
    if (entry.bodyText !== null) this.stmts.insertBody!.run(index, e.time, entry.bodyText);
  }

  /** Must run inside a transaction. */
  private signCheckpointInTx(size: number): SignedCheckpoint {
    if (this.corruption !== null) {
      throw new MosaicError('MOSAIC_ERR_AUDIT_INCONSISTENT', { detail: this.corruption });
    }
    const root = this.tree.rootAt(size);
    const prev = this.last;
    if (prev !== null) {
      // tlog-checkpoint.md: never sign two checkpoints that no consistency proof links. Check it, don't assume.
      const consistent =
        size >= prev.size &&
        hashEquals(this.tree.rootAt(prev.size), prev.rootHash) &&
        verifyConsistency(prev.size, size, prev.rootHash, root, this.tree.consistencyProof(prev.size, size));
      if (!consistent) {
        throw new MosaicError('MOSAIC_ERR_AUDIT_INCONSISTENT', {
          detail: `new tree of ${size} is not consistent with checkpoint ${prev.size}`,
        });
      }
      if (size === prev.size) return prev;
    }
    const note = signNote(formatCheckpoint({ origin: this.origin, size, rootHash: root }), [this.signer]);
    const createdAt = this.clock();
    this.stmts.insertCheckpoint!.run(size, Buffer.from(root), note, createdAt);
    return { size, rootHash: root, note, createdAt };
  }

  private withCosignatures(row: CheckpointRow): SignedCheckpoint {
    const lines = this.stmts.cosignaturesOf.pluck().all(row.size) as string[];
    return {
      size: row.size,
      rootHash: new Uint8Array(row.root),
      note: addSignatureLines(row.note, lines),
      createdAt: row.created_at,
    };
  }

  private leafHashHex(index: number): string {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.tree.size) {
      throw new MosaicError('MOSAIC_ERR_AUDIT_NOT_FOUND');
    }
    return Buffer.from(this.tree.leaf(index)).toString('hex');
  }

  private assertWritable(): void {
    if (this.closed || this.readonly) {
      throw new MosaicError('MOSAIC_ERR_AUDIT_UNAVAILABLE', { detail: this.closed ? 'closed' : 'read-only' });
    }
  }
}

/** better-sqlite3 binds Buffers; our hashes already are Buffers, so avoid a copy per leaf. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
}

type CheckpointRow = { size: number; root: Buffer; note: string; created_at: number };

/** The signed text of a stored checkpoint note (everything up to the blank line). */
function checkpointText(note: string): string {
  return note.slice(0, note.lastIndexOf('\n\n') + 1);
}

function toEntry(row: LeafRow): LedgerEntry {
  const body = row.body === null ? null : (JSON.parse(row.body) as { data: unknown }).data;
  const event = JSON.parse(row.event) as CommittedAuditEvent;
  return {
    index: row.idx,
    leafHash: row.leaf_hash.toString('hex'),
    event,
    leafData: row.event,
    body,
    purged: event.bodyDigest !== null && row.body === null,
  };
}

function checkOptions(o: LedgerOptions): void {
  if (typeof o.path !== 'string' || o.path.length === 0) throw new TypeError('ledger: path is required');
  if (typeof o.clock !== 'function') throw new TypeError('ledger: clock must be a function returning ms');
  if (o.logSigner?.type !== SIG_TYPE_ED25519)
    throw new TypeError('ledger: logSigner must be an Ed25519 note signer');
  if (parseCheckpoint(`${o.origin}\n0\n${Buffer.alloc(32).toString('base64')}\n`) === null) {
    throw new TypeError(`ledger: invalid origin ${JSON.stringify(o.origin)}`);
  }
  for (const [k, v] of [
    ['checkpointEvery', o.checkpointEvery],
    ['checkpointIntervalMs', o.checkpointIntervalMs],
    ['maxDatabaseBytes', o.maxDatabaseBytes],
  ] as const) {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0))
      throw new TypeError(`ledger: ${k} must be ≥ 0`);
  }
  if (o.checkpointEvery === 0) throw new TypeError('ledger: checkpointEvery must be ≥ 1');
}

/** Open (or create) a ledger. */
export function openLedger(options: LedgerOptions): AuditLedger {
  return new AuditLedger(options);
}
