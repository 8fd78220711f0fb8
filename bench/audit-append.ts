/**
 * bench/audit-append: durable audit appends next to plain SQLite inserts, and full ledger verification next to
 * raw SHA-256 over the same bytes, in one run on one machine.
 *
 * - append_rps: `ledger.append` from many concurrent writers (each awaits its own append, as concurrent
 *   exchanges do), WAL + synchronous=FULL, group commit, Merkle tree upkeep and signed checkpoints included.
 * - insert_rps: the same rows (pre-computed leaf text and hash) inserted into a plain table with the same
 *   columns and indexes at the same durability, in transactions of the batch size group commit achieved.
 * - verify_rps: `verifyLedger` (read every row, re-hash every leaf and body, rebuild the tree, check every
 *   checkpoint signature and root), entries per second.
 * - hash_rps: SHA-256 over the same leaf bytes already in memory.
 * The last line is one JSON object with the figures.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createNoteSigner, openLedger, verifyLedger } from '../audit/index.js';
import { sha256 } from '../audit/merkle/hash.js';
import { prepareEntry } from '../audit/store/events.js';
import type { AuditEvent } from '../contracts/index.js';
import { LEDGER_SCHEMA_SQL } from '../audit/store/schema.js';

const WRITERS = 64;
const ENTRIES = Number(process.env['AUDIT_BENCH_ENTRIES'] ?? 20_000);
const ORIGIN = 'bench.example/audit/v1';

function event(i: number): AuditEvent {
  return {
    kind: 'response-sent',
    direction: 'inbound',
    time: new Date(Date.UTC(2026, 0, 1) + i * 10).toISOString(),
    officer: 'officer-bench',
    jti: `bench-${String(i).padStart(20, '0')}`,
    peer: 'agency-b',
    purpose: 'trafficking-investigation',
    caseRef: `CASE-${i % 97}`,
    queryDigest: `sha256:${createHash('sha256').update(`q${i}`).digest('hex')}`,
    responseJti: `resp-${String(i).padStart(20, '0')}`,
    responseDigest: `sha256:${createHash('sha256').update(`r${i}`).digest('hex')}`,
    releasedDigest: `sha256:${createHash('sha256').update(`released ${i}`).digest('hex')}`,
    outcome: i % 4 === 0 ? 'no-hit' : 'hit',
    hitCount: i % 5,
    granted: 'summary',
  };
}

function body(i: number): unknown {
  return i % 4 === 0 ? { selectors: { number: `+33612${String(i).padStart(6, '0')}` } } : undefined;
}

async function benchAppend(dir: string, round: number) {
  const signer = createNoteSigner(ORIGIN, generateKeyPairSync('ed25519').privateKey);
  const ledger = openLedger({
    path: join(dir, `ledger-${round}.db`),
    origin: ORIGIN,
    logSigner: signer,
    clock: Date.now,
  });
  // Events are built before timing, as the insert baseline's rows are: both sides measure only the write path.
  const events = Array.from({ length: ENTRIES }, (_, i) => [event(i), body(i)] as const);
  let next = 0;
  const writer = async () => {
    for (;;) {
      const i = next++;
      if (i >= ENTRIES) return;
      const [e, b] = events[i]!;
      await ledger.append(e, b);
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: WRITERS }, writer));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  ledger.checkpointNow();
  const stats = ledger.stats();
  return { ledger, rps: ENTRIES / seconds, batch: stats.appends / stats.commits, commits: stats.commits };
}

function benchInsert(dir: string, batch: number, round: number) {
  const db = new Database(join(dir, `plain-${round}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(LEDGER_SCHEMA_SQL);
  const rows = Array.from({ length: ENTRIES }, (_, i) => {
    const p = prepareEntry(event(i), body(i));
    const e = p.committed as unknown as Record<string, string | number | null>;
    return [
      i,
      Buffer.from(p.leafHash),
      p.leafData,
      e['time'],
      e['kind'],
      e['direction'],
      e['peer'],
      e['jti'],
      e['purpose'],
      e['caseRef'],
      e['officer'],
      null,
      e['outcome'],
      p.bodyText,
    ] as const;
  });
  const insLeaf = db.prepare('INSERT INTO leaves (idx, event) VALUES (?, ?)');
  const insEntry = db.prepare(
    `INSERT INTO entries (idx, leaf_hash, time, kind, direction, peer, jti, purpose, case_ref, officer, effect,
     outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insBody = db.prepare('INSERT INTO bodies (idx, time, body) VALUES (?, ?, ?)');
  const tx = db.transaction((slice: typeof rows) => {
    for (const r of slice) {
      insLeaf.run(r[0], r[2]);
      insEntry.run(r[0], r[1], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12]);
      if (r[13] !== null) insBody.run(r[0], r[3], r[13]);
    }
  });
  const size = Math.max(1, Math.round(batch));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i += size) tx(rows.slice(i, i + size));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  db.close();
  return { rps: ENTRIES / seconds };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-bench-audit-'));
  try {
    // Five alternating rounds of each write path, best of each: a shared 2-core machine is noisy, and taking
    // the best on both sides compares the two paths rather than the neighbours' load.
    let append = await benchAppend(dir, 0);
    let insert = benchInsert(dir, append.batch, 0);
    for (let round = 1; round < 5; round++) {
      const a = await benchAppend(dir, round);
      if (a.rps > append.rps) {
        append.ledger.close();
        append = a;
      } else {
        a.ledger.close();
      }
      const b = benchInsert(dir, a.batch, round);
      if (b.rps > insert.rps) insert = b;
    }

    // Seven passes of each after a warm-up, best of each, for the same reason; a full GC before each pass (when
    // run with --expose-gc, as bench/run.ts does) so neither side pays for the other's garbage.
    const best = (xs: number[]) => Math.min(...xs);
    const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
    let result = await verifyLedger(append.ledger);
    const verifyTimes: number[] = [];
    for (let pass = 0; pass < 7; pass++) {
      collect();
      const t0 = process.hrtime.bigint();
      result = await verifyLedger(append.ledger);
      verifyTimes.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    if (!result.ok) throw new Error(`verification failed: ${result.failures.join('; ')}`);
    const verifySeconds = best(verifyTimes);

    // The same bytes the verifier hashes, already in memory, hashed with one-shot SHA-256 (no Hash object).
    const leaves: Buffer[] = [];
    for (const chunk of append.ledger.leafTextChunks(append.ledger.size)) {
      for (const text of chunk.texts) leaves.push(Buffer.from(text, 'utf8'));
    }
    let x = 0;
    for (const leaf of leaves) x ^= sha256(leaf)[0]!;
    const hashTimes: number[] = [];
    for (let pass = 0; pass < 7; pass++) {
      collect();
      const t1 = process.hrtime.bigint();
      for (const leaf of leaves) x ^= sha256(leaf)[0]!;
      hashTimes.push(Number(process.hrtime.bigint() - t1) / 1e9);
    }
    const hashSeconds = best(hashTimes);
    append.ledger.close();

    const verifyRps = result.entries / verifySeconds;
    const hashRps = leaves.length / hashSeconds;
    console.log(
      `appends: ${ENTRIES} from ${WRITERS} writers in ${append.commits} commits (avg batch ${append.batch.toFixed(1)})`,
    );
    console.log(
      `append ${append.rps.toFixed(0)}/s vs plain insert ${insert.rps.toFixed(0)}/s (same rows, FULL sync)`,
    );
    console.log(
      `verify ${verifyRps.toFixed(0)}/s vs raw SHA-256 ${hashRps.toFixed(0)}/s (same ${leaves.length} leaves${x < 0 ? '' : ''})`,
    );
    const round = (n: number, d = 0) => Number(n.toFixed(d));
    console.log(
      JSON.stringify({
        bench: 'audit-append',
        append_rps: round(append.rps),
        insert_rps: round(insert.rps),
        append_ratio: round(append.rps / insert.rps, 3),
        verify_rps: round(verifyRps),
        hash_rps: round(hashRps),
        verify_ratio: round(verifyRps / hashRps, 3),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
