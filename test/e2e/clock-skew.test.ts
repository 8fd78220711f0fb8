import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MosaicNode } from '../../gateway/node/node.js';
import type { QueryInput } from '../../gateway/peer/client.js';
import type { PeerStatus, SearchState } from '../../gateway/search/service.js';
import {
  cli,
  configFor,
  createFederation,
  type Federation,
  movableClock,
  provisionPersons,
  startNodes,
  stopNodes,
} from './harness.js';

/**
 * Issue 10 §4, "clock skew between nodes within and beyond tolerance". Every node runs on a clock the test
 * can move (`movableClock`, injected through the node's deps), so each node sees its own time exactly as a
 * machine with a drifting clock would: the requester stamps `iat`/`exp` with its clock, the responder's
 * `checkFreshness` judges them with its own, its ledger records its own time, `/fed/v1/status` reports it.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures', 'graph');
const S = 1000;

const SUBJECT = {
  kind: 'person',
  selectors: { fullName: 'Ionut Popescu', birthDate: '1988-03-14' },
} as const;

const QUERY: QueryInput = {
  purpose: 'trafficking-investigation',
  legalBasis: 'JIT Danube agreement 2025',
  caseRef: 'RO-SKEW-DIRECT',
  requester: { id: 'officer-5c1e', role: 'analyst' },
  subject: SUBJECT,
  granularity: 'summary',
  datasets: ['persons'],
};

describe('clock skew between real nodes, within and beyond the tolerance', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  const clocks = new Map<string, ReturnType<typeof movableClock>>();
  const tokens: Record<string, { analyst: string; auditor: string }> = {};
  const node = (id: string) => nodes.get(id)!;
  const clock = (id: string) => clocks.get(id)!;
  /** `protocol.clockToleranceSeconds` as `node init` wrote it (the same on every node). */
  let TOL = 0;
  /** `exp - iat` of the queries the requester signs. */
  let LIFETIME = 0;
  /** `trustList.maxAgeSeconds`. */
  let maxAge = 0;
  let caseNo = 0;

  const api = async (
    id: string,
    role: 'analyst' | 'auditor',
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const res = await fetch(`${node(id).apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[id]![role]}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  /** Run a search from ro-police through the real analyst API; return what the API reports once it is over. */
  async function search(
    targets: string[],
  ): Promise<{ state: SearchState; byAgency: Record<string, PeerStatus> }> {
    const caseRef = `RO-SKEW-${++caseNo}`;
    const started = await api('ro-police', 'analyst', 'POST', '/api/v1/searches', {
      subject: SUBJECT,
      purpose: 'trafficking-investigation',
      legalBasis: 'JIT Danube agreement 2025',
      caseRef,
      granularity: 'summary',
      targets: { agencies: targets },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    await node('ro-police').searches.settle(started.body['id']);
    const fetched = await api('ro-police', 'analyst', 'GET', `/api/v1/searches/${started.body['id']}`);
    const state = fetched.body as SearchState;
    return { state, byAgency: Object.fromEntries(state.peers.map((p) => [p.agency, p])) };
  }

  /** The jti of the query ro-police sent to `peer` for its latest search, from its own ledger. */
  function jtiSentTo(peer: string): string {
    const sent = node('ro-police').ledger.list({ kind: 'query-sent', caseRef: `RO-SKEW-${caseNo}`, peer });
    expect(sent.entries).toHaveLength(1);
    return (sent.entries[0]!.event as { jti?: string }).jti!;
  }

  /**
   * The events a node's ledger gained since `from`, once `count` of them are committed. The responder answers
   * a refusal before it records it, so the record can land just after the requester has its answer.
   */
  async function ledgerSince(id: string, from: number, count: number) {
    const ledger = node(id).ledger;
    await vi.waitFor(() => expect(ledger.size).toBeGreaterThanOrEqual(from + count), { timeout: 5000 });
    return Array.from(
      { length: ledger.size - from },
      (_, i) => ledger.get(from + i).event as unknown as Record<string, unknown>,
    );
  }

  const sizes = () => Object.fromEntries([...nodes].map(([id, n]) => [id, n.ledger.size]));

  beforeAll(async () => {
    fed = await createFederation([
      { id: 'ro-police', country: 'RO', groups: ['jit-danube'] },
      { id: 'hu-border', country: 'HU', groups: ['jit-danube'] },
      { id: 'at-labour', country: 'AT', groups: ['jit-danube'] },
    ]);
    for (const owner of ['hu-border', 'at-labour']) {
      const imported = await provisionPersons(fed, owner, join(FIXTURES, owner));
      expect(imported.code, imported.err).toBe(0);
    }
    TOL = configFor(fed, 'hu-border').protocol.clockToleranceSeconds;
    maxAge = configFor(fed, 'hu-border').trustList.maxAgeSeconds;
    nodes = await startNodes(fed, (id) => {
      const c = movableClock();
      clocks.set(id, c);
      return { clock: c };
    });
    for (const [id, n] of nodes) {
      tokens[id] = {
        analyst: n.users.add('ana', 'analyst', new Date()).token,
        auditor: n.users.add('aurel', 'auditor', new Date()).token,
      };
    }
    const { claims } = node('ro-police').client.signQuery('hu-border', QUERY);
    LIFETIME = claims.exp - claims.iat;
    // The cases below are placed at least 5 s from every boundary, so whole-second rounding cannot flip one.
    expect(TOL).toBeGreaterThanOrEqual(10);
    expect(LIFETIME).toBeGreaterThanOrEqual(10);
    // The maximum age runs out before the list expires, so the two trust-list cases below are distinct.
    const list = node('hu-border').trust.snapshot!.list;
    expect(Date.parse(list.expiresAt) - Date.parse(list.issuedAt)).toBeGreaterThan((maxAge + 7200) * S);
  });

  afterEach(() => {
    for (const c of clocks.values()) c.skew = 0;
  });

  afterAll(async () => {
    await stopNodes(nodes);
    fed.cleanup();
  });

  it('answers with hits from both peers when every clock agrees (baseline)', async () => {
    const { byAgency } = await search(['hu-border', 'at-labour']);
    expect(byAgency['hu-border']).toMatchObject({ status: 'hit', granted: 'summary' });
    expect(byAgency['at-labour']).toMatchObject({ status: 'hit', granted: 'summary' });
  });

  // Offsets: the requester's clock minus the responders' (which stay on real time), in seconds.
  it.each<[string, () => number]>([
    ['ahead by less than the tolerance', () => TOL - 5],
    ['behind by less than the tolerance', () => -(TOL - 5)],
    // exp + tolerance has not passed yet on the responder: still inside the window.
    [
      'behind by more than the tolerance but less than tolerance + query lifetime',
      () => -(TOL + LIFETIME - 5),
    ],
  ])(
    'accepts and answers a query whose requester clock is %s; the requester accepts the response',
    async (_n, offset) => {
      clock('ro-police').skew = offset() * S;
      const before = sizes();
      const { state, byAgency } = await search(['hu-border', 'at-labour']);
      expect(byAgency['hu-border']).toMatchObject({ status: 'hit', granted: 'summary' });
      expect(byAgency['at-labour']).toMatchObject({ status: 'hit', granted: 'summary' });
      expect(state).toMatchObject({ status: 'complete', partial: false });
      // A full exchange on the responder (query, decision, response), no refusal.
      const hu = await ledgerSince('hu-border', before['hu-border']!, 3);
      expect(hu.map((e) => e.kind)).toEqual(['query-received', 'decision', 'response-sent']);
      expect(hu[0]!.jti).toBe(jtiSentTo('hu-border'));
    },
  );

  it.each<[string, () => number, string]>([
    [
      'ahead by more than the tolerance (iat in the future)',
      () => TOL + 15,
      'MOSAIC_ERR_QUERY_NOT_YET_VALID',
    ],
    [
      'behind by more than tolerance + query lifetime (already expired)',
      () => -(TOL + LIFETIME + 15),
      'MOSAIC_ERR_QUERY_EXPIRED',
    ],
  ])(
    'refuses a query whose requester clock is %s, and records only the refusal',
    async (_n, offset, code) => {
      clock('ro-police').skew = offset() * S;
      const before = sizes();
      const { state, byAgency } = await search(['hu-border', 'at-labour']);
      // The requester is off against everyone: both peers refuse with the freshness code, and the analyst sees it.
      for (const peer of ['hu-border', 'at-labour']) {
        expect(byAgency[peer]).toMatchObject({
          status: 'error',
          code: 'MOSAIC_ERR_PEER_REFUSED',
          reasonCode: code,
        });
        expect(byAgency[peer]!.results).toBeUndefined();
        const events = await ledgerSince(peer, before[peer]!, 1);
        expect(events).toEqual([
          expect.objectContaining({
            kind: 'rejected',
            direction: 'inbound',
            code,
            status: 401,
            peer: 'ro-police',
            jti: jtiSentTo(peer),
          }),
        ]);
      }
      expect(state).toMatchObject({ status: 'complete', partial: true });
      // The requester's own ledger: each query before it left, then why no answer came.
      const ours = await ledgerSince('ro-police', before['ro-police']!, 4);
      expect(ours.filter((e) => e.kind === 'rejected')).toEqual([
        expect.objectContaining({ direction: 'outbound', code: 'MOSAIC_ERR_PEER_REFUSED' }),
        expect.objectContaining({ direction: 'outbound', code: 'MOSAIC_ERR_PEER_REFUSED' }),
      ]);
    },
  );

  // The same skews, with the drift at one responder: the peer whose clock agrees with the requester's answers.
  it.each<[string, () => number, string]>([
    ['behind the requester by more than the tolerance', () => -(TOL + 15), 'MOSAIC_ERR_QUERY_NOT_YET_VALID'],
    [
      'ahead of the requester by more than tolerance + query lifetime',
      () => TOL + LIFETIME + 15,
      'MOSAIC_ERR_QUERY_EXPIRED',
    ],
  ])(
    'when one responder clock is %s, only that peer refuses; the other in the same search answers',
    async (_n, offset, code) => {
      clock('hu-border').skew = offset() * S;
      const before = sizes();
      const { state, byAgency } = await search(['hu-border', 'at-labour']);
      expect(byAgency['hu-border']).toMatchObject({
        status: 'error',
        code: 'MOSAIC_ERR_PEER_REFUSED',
        reasonCode: code,
      });
      expect(byAgency['at-labour']).toMatchObject({ status: 'hit', granted: 'summary' });
      expect(byAgency['at-labour']!.results?.[0]?.hits?.length).toBeGreaterThan(0);
      expect(state).toMatchObject({ status: 'complete', partial: true });
      const hu = await ledgerSince('hu-border', before['hu-border']!, 1);
      expect(hu).toEqual([expect.objectContaining({ kind: 'rejected', code, jti: jtiSentTo('hu-border') })]);
      // The refusal is stamped with the responder's own (drifted) clock: its ledger tells its own time.
      expect(Math.abs(Date.parse(String(hu[0]!['time'])) - clock('hu-border')())).toBeLessThan(10 * S);
      const at = await ledgerSince('at-labour', before['at-labour']!, 3);
      expect(at.map((e) => e.kind)).toEqual(['query-received', 'decision', 'response-sent']);
    },
  );

  it('accepts a response whose iat is off by the responder skew: freshness comes from the query it answers', async () => {
    // Decision (DESIGN.md, peer protocol): the time window is the responder's check. The requester does not
    // judge a response's iat (responses carry no exp): a response is bound to one fresh query by queryJti and
    // queryDigest, so an old or precomputed one cannot be passed off as this answer, and the requester's
    // deadline bounds how late it may come. An honest responder's own checkFreshness already keeps its iat
    // within [-tolerance, tolerance + lifetime] of the requester's clock; a dishonest one could write any iat,
    // so a check would only turn a drifting peer into lost answers.
    const ahead = TOL + LIFETIME - 5; // beyond the tolerance, still inside the query's window
    clock('hu-border').skew = ahead * S;
    const answer = await node('ro-police').client.query('hu-border', QUERY);
    expect(answer.response.decision).toMatchObject({ effect: 'permit', granted: 'summary' });
    expect(answer.response.iat - answer.claims.iat).toBeGreaterThan(TOL);
    expect(answer.response.iat - answer.claims.iat).toBeLessThanOrEqual(ahead + 1);
    // …and through the analyst API the same peer is a hit.
    const { byAgency } = await search(['hu-border']);
    expect(byAgency['hu-border']).toMatchObject({ status: 'hit' });
  });

  it('reports CLOCK SKEW in `mosaic peers check` for a member beyond the tolerance and not for one within', async () => {
    clock('hu-border').skew = (TOL - 10) * S;
    clock('at-labour').skew = (TOL + 15) * S;
    const config = join(fed.nodeDirs.get('ro-police')!, 'mosaic.yaml');
    const r = await cli(['peers', 'check', '--config', config]);
    expect(r.code, r.out).toBe(1);
    const line = (id: string) => r.out.split('\n').find((l) => l.startsWith(id)) ?? '';
    const within = [TOL - 11, TOL - 10, TOL - 9].join('|');
    expect(line('hu-border')).toMatch(new RegExp(`^hu-border\\s+ok .*skew (${within})s`));
    expect(line('hu-border')).not.toContain('CLOCK SKEW');
    expect(line('at-labour')).toMatch(/^at-labour\s+ok .*skew \d+s.*CLOCK SKEW/);
    // Back in step: nothing to report, exit 0.
    clock('hu-border').skew = 0;
    clock('at-labour').skew = 0;
    const ok = await cli(['peers', 'check', '--config', config]);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).not.toContain('CLOCK SKEW');
  });

  it.each<[string, () => number]>([
    ['past the trust list expiresAt', () => Date.parse(node('hu-border').trust.snapshot!.list.expiresAt) / S],
    [
      'past trustList.maxAgeSeconds since the list was issued (before expiresAt)',
      () => Date.parse(node('hu-border').trust.snapshot!.list.issuedAt) / S + maxAge + 3600,
    ],
  ])('takes a node whose clock runs %s out of service; its peers are unaffected', async (_n, at) => {
    clock('hu-border').skew = at() * S - Date.now() + 60 * S;
    const ready = await fetch(`${node('hu-border').apiUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reasons: string[] }).reasons).toContain(
      'MOSAIC_ERR_TRUST_LIST_EXPIRED',
    );
    const { byAgency } = await search(['hu-border', 'at-labour']);
    expect(byAgency['hu-border']).toMatchObject({
      status: 'error',
      code: 'MOSAIC_ERR_PEER_REFUSED',
      reasonCode: 'MOSAIC_ERR_TRUST_LIST_EXPIRED',
    });
    expect(byAgency['at-labour']).toMatchObject({ status: 'hit' });
    clock('hu-border').skew = 0;
    expect((await fetch(`${node('hu-border').apiUrl}/readyz`)).status).toBe(200);
  });
});
