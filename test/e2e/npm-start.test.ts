import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETWORK } from '../../gateway/demo/data/network.js';

/**
 * The real `npm start` path: `node dist/gateway/cli/main.js demo start` (the package.json script, built by
 * `npm run build` before the tests in `npm test`) as a child process, in a temporary data directory, with a
 * small population and OS-picked ports so it runs beside other tests. It must print every node's URL and
 * the sign-in tokens, answer the walkthrough through the API, stop every node on SIGINT (what Ctrl-C sends)
 * with exit code 0, and reuse its data on a second start.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'gateway', 'cli', 'main.js');
const READY = 'Ctrl-C stops every node.';
/** Bounded waits, not timing assertions: a cold start on a busy 2-core machine must still fit. */
const START_MS = 90_000;
const STOP_MS = 30_000;

interface PrintedNode {
  agency: string;
  country: string;
  apiUrl: string;
  peerUrl: string;
}

interface Running {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawn `mosaic demo start` exactly as `npm start` does, plus the test's directory, size and ports. */
function startDemoProcess(dir: string): Running {
  const child = spawn(
    process.execPath,
    [MAIN, 'demo', 'start', '--dir', dir, '--persons', '300', '--port-base', '0'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('exit', (code, signal) => done({ code, signal }));
  });
  return { child, out: () => out, err: () => err, exited };
}

/** Resolves once the process printed its ready line; rejects if it exits first or the bound passes. */
async function untilReady(p: Running): Promise<void> {
  const deadline = Date.now() + START_MS;
  let exit: { code: number | null } | undefined;
  p.exited.then((e) => {
    exit = e;
  });
  while (!p.out().includes(READY)) {
    if (exit !== undefined)
      throw new Error(`demo start exited (${exit.code}) before ready:\n${p.out()}\n${p.err()}`);
    if (Date.now() > deadline) throw new Error(`demo start not ready in ${START_MS} ms:\n${p.out()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGINT, as Ctrl-C sends it; the exit, bounded. */
async function interrupt(p: Running) {
  p.child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no exit ${STOP_MS} ms after SIGINT:\n${p.out()}`)), STOP_MS);
  });
  try {
    return await Promise.race([p.exited, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** The node table `demo start` prints: agency, country, console/API URL, peer URL. */
function printedNodes(out: string): PrintedNode[] {
  const re = /^(\S+)\s+([A-Z]{2})\s+(http:\/\/127\.0\.0\.1:\d+)\s+(https:\/\/127\.0\.0\.1:\d+)$/gm;
  return [...out.matchAll(re)].map((m) => ({
    agency: m[1]!,
    country: m[2]!,
    apiUrl: m[3]!,
    peerUrl: m[4]!,
  }));
}

/** The sign-in tokens `demo start` prints, by agency and role. */
function printedTokens(out: string): Record<string, Record<string, string>> {
  const tokens: Record<string, Record<string, string>> = {};
  const section = out.slice(out.indexOf('sign-in tokens'));
  let agency: string | undefined;
  for (const line of section.split('\n').slice(1)) {
    const a = /^ {2}(\S+)$/.exec(line);
    const t = /^ {4}(\S+)\s+(mosaic_\S+)$/.exec(line);
    if (a) {
      agency = a[1]!;
      tokens[agency] = {};
    } else if (t && agency !== undefined) tokens[agency]![t[1]!] = t[2]!;
    else if (line.trim() === '') break;
  }
  return tokens;
}

/** Whether something accepts a TCP connection on the URL's port of 127.0.0.1. */
function accepts(url: string): Promise<boolean> {
  const port = Number(new URL(url).port);
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function api(base: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Walkthrough step 2 through the printed URL and analyst token: the minibus is a hit at hu-border. */
async function searchMinibus(nodes: PrintedNode[], tokens: Record<string, Record<string, string>>) {
  const ro = nodes.find((n) => n.agency === 'ro-police')!;
  const token = tokens['ro-police']!['analyst']!;
  const started = await api(ro.apiUrl, token, 'POST', '/searches', {
    subject: { kind: 'vehicle', selectors: { plate: NETWORK.driver.plate } },
    purpose: 'trafficking-investigation',
    legalBasis: 'JIT Danube agreement 2025',
    caseRef: NETWORK.caseRef,
    granularity: 'summary',
  });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const s = await api(ro.apiUrl, token, 'GET', `/searches/${started.body['id']}`);
    if (s.body['status'] !== 'running') return s.body;
    if (Date.now() > deadline) throw new Error(`search still running: ${JSON.stringify(s.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start: the demo federation as a real child process', () => {
  let tmp: string;
  let dir: string;
  const running: Running[] = [];

  beforeAll(() => {
    expect(existsSync(MAIN), `${MAIN} missing: run npm run build first`).toBe(true);
    tmp = mkdtempSync(join(tmpdir(), 'mosaic-npm-start-'));
    dir = join(tmp, 'demo');
  });

  afterAll(async () => {
    // A failed test must not leave its child behind: kill only the processes this file started.
    for (const p of running) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  let first: { nodes: PrintedNode[]; tokens: Record<string, Record<string, string>> };

  it('creates the federation, prints four URLs and the tokens, answers the walkthrough, stops on SIGINT', async () => {
    const p = startDemoProcess(dir);
    running.push(p);
    await untilReady(p);
    const out = p.out();
    expect(out).toContain(`creating the demo federation in ${dir} (300 persons per agency)`);
    expect(out).toContain(`created the demo federation in ${dir}`);

    const nodes = printedNodes(out);
    expect(nodes.map((n) => [n.agency, n.country])).toEqual([
      ['ro-police', 'RO'],
      ['hu-border', 'HU'],
      ['at-labour', 'AT'],
      ['nl-fiu', 'NL'],
    ]);
    const tokens = printedTokens(out);
    expect(Object.keys(tokens)).toEqual(nodes.map((n) => n.agency));
    for (const n of nodes) {
      expect(Object.keys(tokens[n.agency]!), n.agency).toEqual([
        'analyst',
        'disclosure-officer',
        'auditor',
        'admin',
      ]);
    }
    // The tokens printed are the ones kept for later starts.
    expect(JSON.parse(readFileSync(join(dir, 'tokens.json'), 'utf8'))).toEqual(tokens);

    for (const n of nodes) {
      const ready = await fetch(`${n.apiUrl}/readyz`);
      expect([n.agency, ready.status]).toEqual([n.agency, 200]);
      expect(await accepts(n.peerUrl), n.peerUrl).toBe(true);
    }

    const search = await searchMinibus(nodes, tokens);
    expect(search['status']).toBe('complete');
    const hu = (search['peers'] as { agency: string; status: string }[]).find(
      (x) => x.agency === 'hu-border',
    );
    expect(hu?.status).toBe('hit');

    const exit = await interrupt(p);
    expect(exit, p.err()).toEqual({ code: 0, signal: null });
    expect(p.out()).toContain('all nodes stopped.');
    for (const n of nodes) {
      expect(await accepts(n.apiUrl), n.apiUrl).toBe(false);
      expect(await accepts(n.peerUrl), n.peerUrl).toBe(false);
    }
    first = { nodes, tokens };
  }, 180_000);

  it('a second start on the same directory reuses the data and tokens, every ledger verifies, SIGINT stops it', async () => {
    expect(first, 'needs the first start').toBeDefined();
    const p = startDemoProcess(dir);
    running.push(p);
    await untilReady(p);
    const out = p.out();
    expect(out).toContain(`found the demo federation in ${dir}`);
    expect(out).toContain('300 persons per agency, seed 2026');
    expect(out).not.toContain('creating the demo federation');
    expect(printedTokens(out)).toEqual(first.tokens);

    const nodes = printedNodes(out);
    expect(nodes.map((n) => n.agency)).toEqual(first.nodes.map((n) => n.agency));
    for (const n of nodes) {
      expect((await fetch(`${n.apiUrl}/readyz`)).status, n.agency).toBe(200);
      // Ctrl-C left no corrupted ledger: each node's audit chain verifies after the restart.
      const v = await api(n.apiUrl, first.tokens[n.agency]!['auditor']!, 'GET', '/audit/verify');
      expect([n.agency, v.status, v.body['ok']]).toEqual([n.agency, 200, true]);
    }
    // The restarted federation answers across nodes (the trust list follows the new ports).
    const search = await searchMinibus(nodes, first.tokens);
    expect(
      (search['peers'] as { agency: string; status: string }[]).find((x) => x.agency === 'hu-border')?.status,
    ).toBe('hit');

    const exit = await interrupt(p);
    expect(exit, p.err()).toEqual({ code: 0, signal: null });
    expect(p.out()).toContain('all nodes stopped.');
    for (const n of nodes) {
      expect(await accepts(n.apiUrl), n.apiUrl).toBe(false);
      expect(await accepts(n.peerUrl), n.peerUrl).toBe(false);
    }
  }, 180_000);

  it('mosaic demo reset removes the directory, so the next start creates it anew', () => {
    expect(existsSync(join(dir, 'demo.json'))).toBe(true);
    const r = spawnSync(process.execPath, [MAIN, 'demo', 'reset', '--dir', dir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain(`removed ${dir}`);
    expect(existsSync(dir)).toBe(false);
  });
});
