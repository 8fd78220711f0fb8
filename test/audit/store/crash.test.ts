import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNoteSigner,
  ed25519PrivateKeyFromSeed,
  openLedger,
  verifyLedger,
} from '../../../audit/index.js';
import { tempDir } from '../helpers.js';

/**
 * Crash test (issue 5 acceptance): a child process appends under load and is killed with SIGKILL at random
 * moments; after each restart the ledger verifies and every append the child acknowledged is present.
 *
 * The child is plain ESM (test/audit/fixtures/crash-writer.mjs) importing the compiled ledger from dist/, since
 * vitest compiles TypeScript only inside its own workers. `npm run build` produces dist/; so that this test
 * never runs stale code, beforeAll recompiles audit/ (and the contracts it imports) into dist/ with the
 * project's compiler options when any source is newer than dist/audit/index.js.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const child = join(root, 'test/audit/fixtures/crash-writer.mjs');
const compiled = join(root, 'dist/audit/index.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    if (name.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (name.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  const stale =
    !existsSync(compiled) ||
    statSync(compiled).mtimeMs <
      Math.max(newestSource(join(root, 'audit')), newestSource(join(root, 'contracts')));
  if (!stale) return;
  const tsc = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/typescript/bin/tsc'),
      ...['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2023'],
      ...['--types', 'node', '--strict', '--skipLibCheck', '--resolveJsonModule', '--rootDir', root],
      ...['--outDir', join(root, 'dist'), join(root, 'audit/index.ts')],
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (!existsSync(compiled)) throw new Error(`could not compile audit/ for the crash test:\n${tsc.stdout}`);
}, 60_000);

const t = tempDir('mosaic-crash-');
afterAll(() => t.cleanup());

interface Round {
  acks: Map<number, string>;
  printed: number;
}

/** Run the child until it has acknowledged `killAfter` appends (plus a random extra moment), then SIGKILL it. */
function runAndKill(
  dbPath: string,
  origin: string,
  seed: string,
  first: number,
  killAfter: number,
): Promise<Round> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, dbPath, origin, seed, String(first)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks = new Map<number, string>();
    let buffer = '';
    let stderr = '';
    let killing = false;
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const m = /^ack (\d+) ([0-9a-f]{64})$/.exec(line);
        if (m !== null) acks.set(Number(m[1]), m[2]!);
        nl = buffer.indexOf('\n');
      }
      if (!killing && acks.size >= killAfter) {
        killing = true;
        // A random extra moment so the kill lands anywhere: mid-batch, mid-checkpoint, mid-fsync.
        const jitter = randomBytes(1)[0]! % 20;
        if (jitter === 0) proc.kill('SIGKILL');
        else setTimeout(() => proc.kill('SIGKILL'), jitter);
      }
    });
    proc.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}: ${stderr}`));
      else resolve({ acks, printed: acks.size });
    });
  });
}

describe('audit ledger crash safety', () => {
  it('keeps every acknowledged append and verifies after SIGKILL at random moments', async () => {
    const seed = randomBytes(32).toString('hex');
    const origin = 'agency-a.example/audit/v1';
    const signer = createNoteSigner(origin, ed25519PrivateKeyFromSeed(Buffer.from(seed, 'hex')));
    const dbPath = join(t.dir, 'crash.db');
    const allAcks = new Map<number, string>();
    let next = 0;
    for (let round = 0; round < 5; round++) {
      const killAfter = 30 + (randomBytes(2).readUInt16BE(0) % 400);
      const { acks } = await runAndKill(dbPath, origin, seed, next, killAfter);
      for (const [i, h] of acks) allAcks.set(i, h);

      const ledger = openLedger({
        path: dbPath,
        origin,
        logSigner: signer,
        clock: Date.now,
        checkpointIntervalMs: 0,
      });
      try {
        expect(ledger.corruptionDetected).toBeNull();
        const v = await verifyLedger(ledger);
        expect(v.failures).toEqual([]);
        for (const [index, hash] of allAcks) {
          expect(index).toBeLessThan(ledger.size);
          expect(ledger.get(index).leafHash).toBe(hash);
        }
        // The node can keep signing: the next checkpoint is consistent with those signed before the crash.
        ledger.checkpointNow();
        next = ledger.size + 1000 * (round + 1);
      } finally {
        ledger.close();
      }
    }
    expect(allAcks.size).toBeGreaterThan(100);
  }, 60_000);
});
