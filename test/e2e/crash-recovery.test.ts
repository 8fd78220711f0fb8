import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditBundle, reconcile } from '../../audit/index.js';
import { cli, cliOk, createFederation, type Federation, provisionPersons } from './harness.js';

/**
 * SIGKILL of a real `mosaic node start` process (issue 10, §4 Faults), on a three-agency federation:
 * ro-police (A, the analyst's node) and hu-border (B, a responder with a persons dataset) run as child
 * processes built from dist/ (`npm run build`); at-labour is a stand-in holding at-labour's real TLS key that
 * accepts queries and never answers, so searches toward it stay in flight for as long as the test wants.
 *
 * 1. B is killed under a bounded load of searches from A: no search stays pending, B restarts on the same
 *    directory, both ledgers verify and every exchange A acknowledged (a verified, signed response carrying a
 *    receipt) is in B's ledger; reconcile reports only queries A itself recorded as unanswered.
 * 2. A is killed with searches in flight: after restart each is reported `interrupted` (GET and SSE), peers
 *    that had answered keep their answer, and A's ledger closes every query that had left the node.
 * 3. After both restarts the ledgers verify, reconcile still classifies everything, and new searches work.
 */

const FIXTURES = join(import.meta.dirname, 'fixtures', 'hu-border');
const BIN = join(import.meta.dirname, '../../dist/gateway/cli/main.js');
const A = 'ro-police';
const B = 'hu-border';
const C = 'at-labour';
/** The bounded load of scenario 1: searches in all, how many at once, and after how many B is killed. */
const LOAD = { total: 120, parallel: 4, killAfter: 40 };
/** Searches in flight when A is killed (scenario 2). */
const IN_FLIGHT = 4;
const ANSWERED = ['hit', 'no-hit', 'denied'];
const UNANSWERED = ['timeout', 'unreachable', 'error'];

type Child = ChildProcessByStdio<null, Readable, Readable>;

interface NodeProcess {
  readonly child: Child;
  readonly api: string;
  readonly peer: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stderr: string[];
}

const children = new Set<Child>();

/** Start `mosaic node start` as a child process; resolves on its `listening` line. */
async function startProcess(config: string): Promise<NodeProcess> {
  const child = spawn(process.execPath, [BIN, 'node', 'start', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      r({ code, signal });
    }),
  );
  // Drained all the time: a full stderr pipe would block the node under load.
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (l) => {
    stderr.push(l);
    if (stderr.length > 100) stderr.shift();
  });
  const stdout = createInterface({ input: child.stdout });
  const first = await Promise.race([
    new Promise<string>((r) => stdout.once('line', r)),
    exited.then(({ code }) => {
      throw new Error(`node exited (${code}) before listening:\n${stderr.join('\n')}`);
    }),
  ]);
  const listening = JSON.parse(first) as { event: string; api: string; peer: string };
  expect(listening.event).toBe('listening');
  return { child, api: listening.api, peer: listening.peer, exited, stderr };
}

/** SIGKILL: no shutdown hook runs, whatever was in memory is gone. */
async function kill(node: NodeProcess): Promise<void> {
  node.child.kill('SIGKILL');
  expect((await node.exited).signal).toBe('SIGKILL');
}

/** Have the next start listen on the ports the first one was given, as a restarted service would. */
function pinPorts(config: string, node: NodeProcess): void {
  const ports = [new URL(node.peer).port, new URL(node.api).port];
  let i = 0;
  writeFileSync(
    config,
    readFileSync(config, 'utf8').replace(/port: \d+/g, () => `port: ${ports[i++]}`),
  );
}

type Json = Record<string, any>;
type Ev = Record<string, any> & { kind: string };

describe('SIGKILL of a node during load, then restart', () => {
  let fed: Federation;
  let hang: Server;
  /** Queries the stand-in at-labour has received (and will never answer). */
  let hangReceived = 0;
  const config: Record<string, string> = {};
  const token: Record<string, string> = {};
  const auditor: Record<string, string> = {};
  let a: NodeProcess;
  let b: NodeProcess;

  const api = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${a.api}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token[A]}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };

  const searchBody = (i: number, targets: string[], extra: Json = {}) => ({
    // HU-P-1's phone (a hit at hu-border) every third search, an unknown one otherwise.
    subject: {
      kind: 'phone',
      selectors: { number: i % 3 === 0 ? '+40 721 555 019' : `+36 1 234 ${5000 + i}` },
    },
    purpose: 'trafficking-investigation',
    legalBasis: 'JIT Danube agreement 2025',
    caseRef: 'RO-CRASH-1',
    granularity: 'exists',
    targets: { agencies: targets },
    ...extra,
  });

  /** Follow a search's event stream to its end, then read its stored state. */
  async function settle(id: string): Promise<Json> {
    const res = await fetch(`${a.api}/api/v1/searches/${id}/events`, {
      headers: { authorization: `Bearer ${token[A]}` },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('event: done');
    const final = await api('GET', `/api/v1/searches/${id}`);
    expect(final.status).toBe(200);
    return final.body;
  }

  /**
   * Export a node's ledger through its API (which signs a checkpoint first, so the bundle covers every entry
   * committed so far; a bundle only holds entries under its latest checkpoint), re-hash the whole local ledger
   * with the CLI, and verify the bundle offline against the published trust list.
   */
  async function exportAndVerify(id: string, name: string): Promise<AuditBundle> {
    const node = id === A ? a : b;
    const res = await fetch(`${node.api}/api/v1/audit/export`, {
      headers: { authorization: `Bearer ${auditor[id]}` },
    });
    expect(res.status).toBe(200);
    const file = join(fed.root, `${name}.bundle.json`);
    writeFileSync(file, await res.text());
    const rehash = await cli(['audit', 'verify', '--config', config[id]!]);
    expect(rehash.code, rehash.out).toBe(0);
    expect(rehash.out).toMatch(/^OK: \d+ entries/);
    const offline = await cli([
      'audit',
      'verify',
      '--bundle',
      file,
      '--trust-list',
      join(fed.fedDir, 'trust-list.jws'),
      '--anchors',
      join(fed.fedDir, 'anchors.json'),
      '--agency',
      id,
    ]);
    expect(offline.code, offline.out).toBe(0);
    return JSON.parse(readFileSync(file, 'utf8')) as AuditBundle;
  }

  const eventsOf = (bundle: AuditBundle): Ev[] => bundle.entries.map((e) => JSON.parse(e.leaf) as Ev);
  const jtis = (evs: Ev[], kind: string, peer: string, where: (e: Ev) => boolean = () => true) =>
    new Set(
      evs.filter((e) => e.kind === kind && e['peer'] === peer && where(e)).map((e) => e['jti'] as string),
    );

  /**
   * Reconcile A's and B's bundles (function and CLI) and assert what it reports: every exchange A holds a
   * response for is complete on B's side; every query A sent ended either acknowledged or recorded by A as
   * unanswered (an outbound `rejected`); and each discrepancy reconcile lists is one of the two a dead
   * responder explains, about a query A recorded as unanswered: B never logged the query (it was down, or
   * died before its group commit), or B logged the response but A never got it (B died before sending it).
   */
  async function reconcileAB(): Promise<{ acknowledged: Set<string>; unanswered: Set<string> }> {
    const bundleA = await exportAndVerify(A, 'a');
    const bundleB = await exportAndVerify(B, 'b');
    const evA = eventsOf(bundleA);
    const evB = eventsOf(bundleB);
    const sent = jtis(evA, 'query-sent', B);
    const acknowledged = jtis(evA, 'response-received', B);
    const unanswered = jtis(evA, 'rejected', B, (e) => e['direction'] === 'outbound');
    for (const e of evA.filter((x) => x.kind === 'response-received' && x['peer'] === B)) {
      expect(e['receipt'], 'an acknowledged response carries a receipt').not.toBeNull();
      expect(e['receiptVerified']).toBe(true);
    }
    expect([...acknowledged].filter((j) => unanswered.has(j))).toEqual([]);
    expect(new Set([...acknowledged, ...unanswered])).toEqual(sent);
    const receivedByB = jtis(evB, 'query-received', A);
    const respondedByB = jtis(evB, 'response-sent', A);
    expect([...acknowledged].filter((j) => !receivedByB.has(j) || !respondedByB.has(j))).toEqual([]);

    const r = reconcile(bundleA, bundleB);
    const neverReceived = r.issues.filter(
      (i) =>
        i.side === 'B' && i.message.includes('logged query-sent') && i.message.includes('no query-received'),
    );
    const lostInTransit = r.issues.filter(
      (i) =>
        i.side === 'A' &&
        i.message.includes('logged response-sent') &&
        i.message.includes('no response-received (response lost in transit?)'),
    );
    expect(r.issues.every((i) => i.problem === 'missing')).toBe(true);
    expect(neverReceived.length + lostInTransit.length).toBe(r.issues.length);
    expect(r.issues.filter((i) => !unanswered.has(i.id))).toEqual([]);
    // Both pairs (query, response) agree for each acknowledged exchange, the query pair for the rest B logged.
    expect(r.matched).toBe(acknowledged.size + [...sent].filter((j) => receivedByB.has(j)).length);

    const cmd = await cli([
      'audit',
      'reconcile',
      join(fed.root, 'a.bundle.json'),
      join(fed.root, 'b.bundle.json'),
    ]);
    expect(cmd.out.split('\n')[0]).toBe(`${r.matched} exchanges agree; ${r.issues.length} issue(s)`);
    expect(cmd.code).toBe(r.issues.length === 0 ? 0 : 1);
    return { acknowledged, unanswered };
  }

  beforeAll(async () => {
    fed = await createFederation([
      { id: A, country: 'RO', groups: ['jit-danube'] },
      { id: B, country: 'HU', groups: ['jit-danube'] },
      { id: C, country: 'AT' },
    ]);
    for (const id of [A, B, C]) {
      config[id] = join(fed.nodeDirs.get(id)!, 'mosaic.yaml');
      writeFileSync(config[id]!, readFileSync(config[id]!, 'utf8').replace(/port: \d+/g, 'port: 0'));
    }
    const imported = await provisionPersons(fed, B, FIXTURES);
    expect(imported.code, imported.err).toBe(0);
    // One analyst drives the whole load: well past the default api.searchLimits (30 a minute).
    writeFileSync(
      config[A]!,
      `${readFileSync(config[A]!, 'utf8')}api: { searchLimits: { perMinute: 100000, perDay: 1000000 } }\n`,
    );
    const user = async (id: string, role: string) =>
      /token: (\S+)/.exec(
        await cliOk(['user', 'add', '--config', config[id]!, '--name', `${role}-1`, '--role', role]),
      )![1]!;
    token[A] = await user(A, 'analyst');
    auditor[A] = await user(A, 'auditor');
    auditor[B] = await user(B, 'auditor');

    const cDir = fed.nodeDirs.get(C)!;
    hang = createServer(
      {
        key: readFileSync(join(cDir, 'tls/key.pem')),
        cert: readFileSync(join(cDir, 'tls/cert.pem')),
        ca: readFileSync(join(cDir, 'federation/ca.pem')),
        requestCert: true,
        minVersion: 'TLSv1.3',
      },
      () => {
        hangReceived++;
      },
    );
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));

    // B answers with the first list (A's endpoint is never used: A asks, B answers on the same connection).
    await cliOk(['federation', 'publish', '--dir', fed.fedDir]);
    b = await startProcess(config[B]!);
    pinPorts(config[B]!, b);
    for (const [id, endpoint] of [
      [B, b.peer],
      [C, `https://127.0.0.1:${(hang.address() as AddressInfo).port}`],
    ] as const) {
      await cliOk([
        'federation',
        'update-member',
        '--dir',
        fed.fedDir,
        '--agency',
        id,
        '--endpoint',
        endpoint,
      ]);
    }
    await cliOk(['federation', 'publish', '--dir', fed.fedDir]);
    a = await startProcess(config[A]!);
    pinPorts(config[A]!, a);
  }, 60_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    hang?.closeAllConnections();
    await new Promise((r) => (hang ? hang.close(r) : r(undefined)));
    fed?.cleanup();
  });

  it('B killed under load: no search stays pending; after restart every acknowledged exchange is on both sides', async () => {
    const finals: Json[] = [];
    let started = 0;
    let done = 0;
    let killed: Promise<void> | undefined;
    const inFlight = new Set<number>();
    let inFlightAtKill: number[] = [];
    const worker = async () => {
      while (started < LOAD.total) {
        const i = started++;
        inFlight.add(i);
        const res = await api('POST', '/api/v1/searches', searchBody(i, [B], { deadlineMs: 8000 }));
        expect(res.status).toBe(202);
        finals[i] = await settle(res.body['id']);
        inFlight.delete(i);
        if (++done === LOAD.killAfter) {
          inFlightAtKill = [...inFlight];
          killed = kill(b);
        }
      }
    };
    await Promise.all(Array.from({ length: LOAD.parallel }, worker));
    await killed;
    // The other workers' searches were under way when B died; they ended like every other (checked below).
    expect(inFlightAtKill).toHaveLength(LOAD.parallel - 1);

    expect(finals).toHaveLength(LOAD.total);
    for (const s of finals) {
      expect(s['status']).toBe('complete');
      expect(s['completedAt']).toEqual(expect.any(String));
      const peer = s['peers'][0];
      expect([...ANSWERED, ...UNANSWERED]).toContain(peer.status);
      if (UNANSWERED.includes(peer.status)) {
        expect(s['partial']).toBe(true);
        expect(peer.code).toMatch(/^MOSAIC_ERR_/);
      }
    }
    const statuses = finals.map((s) => s['peers'][0].status as string);
    // The searches that ended before the kill were answered.
    expect(statuses.filter((s) => ANSWERED.includes(s)).length).toBeGreaterThanOrEqual(LOAD.killAfter);
    // Searches started once B was gone could not reach it.
    expect(statuses.at(-1)).toBe('unreachable');

    b = await startProcess(config[B]!);
    const { acknowledged, unanswered } = await reconcileAB();
    expect(acknowledged.size).toBe(statuses.filter((s) => ANSWERED.includes(s)).length);
    expect(unanswered.size).toBe(statuses.filter((s) => UNANSWERED.includes(s)).length);

    // B serves again on the same port.
    const after = await api('POST', '/api/v1/searches', searchBody(0, [B]));
    expect((await settle(after.body['id']))['peers'][0].status).toBe('hit');
  }, 90_000);

  it('A killed with searches in flight: after restart each is reported interrupted, over GET and SSE', async () => {
    const ids: string[] = [];
    const receivedBefore = hangReceived;
    for (let i = 0; i < IN_FLIGHT; i++) {
      const res = await api(
        'POST',
        '/api/v1/searches',
        searchBody(i, [B, C], { deadlineMs: 60_000, peerDeadlineMs: 60_000 }),
      );
      expect(res.status).toBe(202);
      ids.push(res.body['id']);
    }
    // Wait (no sleeping) until hu-border's answer has been published for every search (it is stored before
    // it is published) and every query to the silent at-labour has left A (it is logged before it is sent).
    const answered = new Map<string, Json>();
    await Promise.all(
      ids.map(async (id) => {
        const ctl = new AbortController();
        const res = await fetch(`${a.api}/api/v1/searches/${id}/events`, {
          headers: { authorization: `Bearer ${token[A]}` },
          signal: ctl.signal,
        });
        let text = '';
        const decoder = new TextDecoder();
        for await (const chunk of res.body!) {
          text += decoder.decode(chunk as Uint8Array, { stream: true });
          const m = /event: peer\ndata: (\{"agency":"hu-border".*)\n/.exec(text);
          if (m) {
            answered.set(id, JSON.parse(m[1]!));
            break;
          }
        }
        ctl.abort();
      }),
    );
    while (hangReceived < receivedBefore + IN_FLIGHT) await new Promise((r) => setImmediate(r));
    for (const id of ids) {
      const running = await api('GET', `/api/v1/searches/${id}`);
      expect(running.body['status']).toBe('running');
    }

    await kill(a);
    // A narrower window, written into the dead node's database: every peer had answered, only the search's
    // final write was lost. It must end as it would have, not as interrupted.
    const db = new Database(join(fed.nodeDirs.get(A)!, 'data', 'node.db'));
    const row = db.prepare('SELECT * FROM searches WHERE id = ?').get(ids[0]) as Record<string, string>;
    const lastWriteLost = { ...JSON.parse(row['state']!), id: randomUUID() };
    db.prepare(
      'INSERT INTO searches (id, case_ref, created_by, created_at, state) VALUES (?, ?, ?, ?, ?)',
    ).run(
      lastWriteLost.id,
      row['case_ref'],
      row['created_by'],
      row['created_at'],
      JSON.stringify(lastWriteLost),
    );
    // Each peer's outcome is stored as it ends (search_outcomes): hu-border's as the killed search stored it,
    // at-labour's as if it had answered just before the kill.
    const outcome = db.prepare('INSERT INTO search_outcomes (search_id, peer, outcome) VALUES (?, ?, ?)');
    const huOutcome = db
      .prepare('SELECT outcome FROM search_outcomes WHERE search_id = ? AND peer = ?')
      .pluck()
      .get(ids[0], B) as string;
    outcome.run(lastWriteLost.id, B, huOutcome);
    const atPeer = lastWriteLost.peers.find((p: Json) => p['agency'] === C);
    outcome.run(lastWriteLost.id, C, JSON.stringify({ ...atPeer, status: 'no-hit', results: [] }));
    db.close();
    a = await startProcess(config[A]!);
    const ended = await api('GET', `/api/v1/searches/${lastWriteLost.id}`);
    expect(ended.body).toMatchObject({ status: 'complete', partial: false, completedAt: expect.any(String) });

    for (const id of ids) {
      const got = await api('GET', `/api/v1/searches/${id}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ id, status: 'interrupted', partial: true });
      expect(Date.parse(got.body['completedAt'])).not.toBeNaN();
      const byAgency = Object.fromEntries(got.body['peers'].map((p: Json) => [p['agency'], p]));
      // What hu-border answered before the kill survived it; at-labour never answered.
      expect(byAgency[B]).toEqual(answered.get(id));
      expect(ANSWERED).toContain(byAgency[B]['status']);
      expect(byAgency[C]).toMatchObject({ status: 'interrupted', code: 'MOSAIC_ERR_SEARCH_INTERRUPTED' });
    }
    // The stream of an interrupted search replays what is known and ends.
    const stream = await fetch(`${a.api}/api/v1/searches/${ids[0]}/events`, {
      headers: { authorization: `Bearer ${token[A]}` },
    });
    const text = await stream.text();
    expect(text.match(/event: peer\n/g)).toHaveLength(2);
    expect(text).toContain('"status":"interrupted","code":"MOSAIC_ERR_SEARCH_INTERRUPTED"');
    expect(text).toMatch(
      new RegExp(`event: done\\ndata: \\{"id":"${ids[0]}","status":"interrupted","partial":true\\}\\n\\n$`),
    );

    // A's ledger closes every query that left for at-labour: one outbound `rejected` with the code each.
    const evA = eventsOf(await exportAndVerify(A, 'a-after-kill'));
    const sentToC = jtis(evA, 'query-sent', C);
    expect(sentToC.size).toBe(IN_FLIGHT);
    const closed = evA.filter((e) => e.kind === 'rejected' && e['peer'] === C);
    expect(closed).toHaveLength(IN_FLIGHT);
    for (const e of closed) {
      expect(e).toMatchObject({
        direction: 'outbound',
        code: 'MOSAIC_ERR_SEARCH_INTERRUPTED',
        status: 503,
        caseRef: 'RO-CRASH-1',
      });
    }
    expect(new Set(closed.map((e) => e['jti']))).toEqual(sentToC);
  }, 60_000);

  it('after both restarts: both ledgers verify, reconcile still accounts for every exchange, both nodes serve', async () => {
    const before = await reconcileAB();
    const fresh = await Promise.all(
      [0, 3].map(async (i) => {
        const res = await api('POST', '/api/v1/searches', searchBody(i, [B]));
        expect(res.status).toBe(202);
        return settle(res.body['id']);
      }),
    );
    for (const s of fresh) expect(s).toMatchObject({ status: 'complete', partial: false });
    expect(fresh.map((s) => s['peers'][0].status)).toEqual(['hit', 'hit']);
    const after = await reconcileAB();
    expect(after.acknowledged.size).toBe(before.acknowledged.size + 2);
    expect(after.unanswered).toEqual(before.unanswered);
  }, 60_000);
});
