import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENIGN_HUBS, NETWORK } from '../../gateway/demo/data/network.js';

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

type Answer = {
  agency: string;
  status: string;
  reasonCode?: string;
  results?: {
    dataset: string;
    decision: { granted: string | null };
    exists?: boolean;
    count?: number;
    hits?: { fields?: Record<string, string> }[];
  }[];
};

/** A federated search from `from`'s analyst through the printed URL and token, polled until it ends. */
async function searchVia(
  nodes: PrintedNode[],
  tokens: Record<string, Record<string, string>>,
  from: string,
  request: Record<string, unknown>,
): Promise<Map<string, Answer>> {
  const node = nodes.find((n) => n.agency === from)!;
  const token = tokens[from]!['analyst']!;
  const started = await api(node.apiUrl, token, 'POST', '/searches', {
    purpose: 'trafficking-investigation',
    legalBasis: 'JIT Danube agreement 2025',
    caseRef: NETWORK.caseRef,
    granularity: 'summary',
    ...request,
  });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const s = await api(node.apiUrl, token, 'GET', `/searches/${started.body['id']}`);
    if (s.body['status'] !== 'running') {
      expect(s.body['status']).toBe('complete');
      return new Map((s.body['peers'] as Answer[]).map((p) => [p.agency, p]));
    }
    if (Date.now() > deadline) throw new Error(`search still running: ${JSON.stringify(s.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const resultOf = (a: Answer | undefined, dataset: string) => a?.results?.find((r) => r.dataset === dataset);

/**
 * The walkthrough's searches (docs/walkthrough.md, steps 1–3 and 5, the policy differences and the benign
 * hubs) against the real process: the planted network is found piece by piece, each agency answers as its
 * policy says, and the benign hubs give no hit. test/e2e/demo.test.ts checks the same in more detail in
 * process, with the disclosure and the case graph.
 */
async function walkthrough(nodes: PrintedNode[], tokens: Record<string, Record<string, string>>) {
  const ask = (from: string, request: Record<string, unknown>) => searchVia(nodes, tokens, from, request);
  const r = NETWORK.recruiter;
  // Step 1: the recruiter is the foreman at the Austrian site (masked summary); the border police count him.
  const step1 = await ask('ro-police', {
    subject: { kind: 'person', selectors: { fullName: r.fullName, birthDate: r.birthDate } },
  });
  expect(resultOf(step1.get('at-labour'), 'persons')?.hits?.[0]?.fields).toMatchObject({
    fullName: 'Marius Dobre',
    birthDate: '1979',
    city: 'Schwechat',
  });
  expect(resultOf(step1.get('hu-border'), 'persons')).toMatchObject({
    decision: { granted: 'count' },
    count: 2,
  });
  expect(step1.get('nl-fiu')).toMatchObject({ status: 'denied', reasonCode: 'NO_MATCHING_PERMISSION' });
  // Step 2: the minibus crossed the border: hit/no-hit only.
  const step2 = await ask('ro-police', {
    subject: { kind: 'vehicle', selectors: { plate: NETWORK.driver.plate } },
  });
  expect(resultOf(step2.get('hu-border'), 'vehicles')).toMatchObject({
    decision: { granted: 'exists' },
    exists: true,
  });
  // Step 3: a victim is withheld from an investigation and found for victim protection.
  const v = NETWORK.victims[0];
  const victim = {
    kind: 'person',
    selectors: { fullName: `${v.given} ${v.family}`, birthDate: v.birthDate },
  };
  const inv = await ask('ro-police', { subject: victim, targets: { agencies: ['at-labour'] } });
  expect(inv.get('at-labour')?.status).toBe('no-hit');
  const prot = await ask('ro-police', {
    subject: victim,
    purpose: 'victim-protection',
    targets: { agencies: ['at-labour'] },
  });
  expect(prot.get('at-labour')?.status).toBe('hit');
  // Step 5: the FIU knows the wage account: a masked summary for the JIT, hit/no-hit outside it.
  const account = { kind: 'account', selectors: { iban: NETWORK.account.iban } };
  const jit = await ask('ro-police', {
    subject: account,
    purpose: 'financial-intelligence',
    targets: { agencies: ['nl-fiu'] },
  });
  expect(resultOf(jit.get('nl-fiu'), 'accounts')?.hits?.[0]?.fields?.['typology']).toMatch(/^many earners/);
  const outside = await ask('at-labour', {
    subject: account,
    purpose: 'financial-intelligence',
    targets: { agencies: ['nl-fiu'] },
  });
  expect(resultOf(outside.get('nl-fiu'), 'accounts')).toMatchObject({
    decision: { granted: 'exists' },
    exists: true,
  });
  // Benign hubs: the shelter's phone and the hotel's address give no hit; the recruiter's own phone does.
  const hubs = async (subject: Record<string, unknown>) =>
    (await ask('hu-border', { subject, granularity: 'exists', targets: { agencies: ['ro-police'] } })).get(
      'ro-police',
    )?.status;
  expect(await hubs({ kind: 'phone', selectors: { number: BENIGN_HUBS.shelterPhone } })).toBe('no-hit');
  expect(await hubs({ kind: 'address', selectors: { text: BENIGN_HUBS.hotelAddress } })).toBe('no-hit');
  expect(await hubs({ kind: 'phone', selectors: { number: r.phone } })).toBe('hit');
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

    await walkthrough(nodes, tokens);

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
