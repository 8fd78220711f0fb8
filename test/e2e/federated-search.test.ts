import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../gateway/log.js';
import type { MosaicNode } from '../../gateway/node/node.js';
import { type DecisionPort, permitEnvelopeOnly } from '../../gateway/peer/ports.js';
import type {
  AnswerRecord,
  OutboundAuditPort,
  QuerySentRecord,
} from '../../gateway/search/outbound-audit.js';
import { cli, createFederation, type Federation, startNodes, stopNodes } from './harness.js';

/** A peer that takes 3 s to decide; `slowAnswers` counts the decisions it has finished. */
let slowAnswers = 0;
const slowDecisions: DecisionPort = {
  decide: async (q) => {
    await new Promise((r) => setTimeout(r, 3000));
    slowAnswers++;
    return permitEnvelopeOnly.decide(q);
  },
};

function recordingOutbound(): OutboundAuditPort & { sent: QuerySentRecord[]; answers: AnswerRecord[] } {
  const sent: QuerySentRecord[] = [];
  const answers: AnswerRecord[] = [];
  return {
    sent,
    answers,
    querySent: async (r) => {
      sent.push(r);
    },
    answerReceived: async (r) => {
      answers.push(r);
    },
  };
}

const SEARCH = {
  subject: { kind: 'phone', selectors: { number: '+40 721 555 019' } },
  purpose: 'trafficking-investigation',
  legalBasis: 'Art. 39 Prüm',
  caseRef: 'RO-2026-0042',
  deadlineMs: 1500,
  peerDeadlineMs: 800,
};

/** Every log line every node wrote during this file's run. */
const logLines: string[] = [];
const logSink = new Writable({
  write(chunk, _enc, done) {
    logLines.push(String(chunk));
    done();
  },
});

describe('federated search across five real nodes', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  const outbound = recordingOutbound();
  const tokens: Record<string, string> = {};
  let api: string;

  const call = async (method: string, path: string, who: string, body?: unknown) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: {
        ...(tokens[who] ? { authorization: `Bearer ${tokens[who]}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? JSON.parse(text) : undefined,
      type: res.headers.get('content-type'),
    };
  };

  beforeAll(async () => {
    fed = await createFederation([
      { id: 'ro-police', country: 'RO', groups: ['jit-danube'] },
      { id: 'hu-border', country: 'HU', groups: ['jit-danube'] },
      { id: 'at-labour', country: 'AT' },
      { id: 'nl-fiu', country: 'NL', groups: ['jit-danube'] },
      { id: 'bg-police', country: 'BG' },
    ]);
    nodes = await startNodes(fed, (id) => ({
      logger: createLogger({ level: 'debug', stream: logSink, base: { agency: id } }),
      ...(id === 'ro-police' ? { outboundAudit: outbound } : {}),
      ...(id === 'hu-border' ? { decisions: permitEnvelopeOnly } : {}),
      ...(id === 'nl-fiu' ? { decisions: slowDecisions } : {}),
    }));
    await nodes.get('bg-police')!.stop(); // down
    const ro = nodes.get('ro-police')!;
    api = ro.apiUrl;
    for (const [name, role] of [
      ['ana', 'analyst'],
      ['bogdan', 'analyst'],
      ['dora', 'disclosure-officer'],
      ['aurel', 'auditor'],
      ['adi', 'admin'],
    ] as const) {
      tokens[name] = ro.users.add(name, role, new Date()).token;
    }
  });

  afterAll(async () => {
    nodes.delete('bg-police');
    await stopNodes(nodes);
    fed.cleanup();
  });

  it('asks every peer in parallel and reports each one: no-hit, denied, timeout, unreachable', async () => {
    const slowBefore = slowAnswers;
    const started = await call('POST', '/api/v1/searches', 'ana', SEARCH);
    expect(started.status).toBe(202);
    expect(started.body.peers.map((p: { agency: string }) => p.agency)).toEqual([
      'at-labour',
      'bg-police',
      'hu-border',
      'nl-fiu',
    ]);
    const done = await nodes.get('ro-police')!.searches.settle(started.body.id);
    const byAgency = Object.fromEntries(done.peers.map((p) => [p.agency, p]));
    expect(byAgency['hu-border']).toMatchObject({ status: 'no-hit', granted: 'exists' });
    expect(byAgency['at-labour']).toMatchObject({ status: 'denied', reasonCode: 'NO_POLICY' });
    expect(byAgency['nl-fiu']).toMatchObject({ status: 'timeout', code: 'MOSAIC_ERR_PEER_TIMEOUT' });
    expect(byAgency['bg-police']).toMatchObject({
      status: 'unreachable',
      code: 'MOSAIC_ERR_PEER_UNREACHABLE',
    });
    expect(done).toMatchObject({ status: 'complete', partial: true });
    // The search was over before the slow peer had even decided: its deadline, not its answer, ended it.
    expect(slowAnswers).toBe(slowBefore);
    // Audit first on the requesting side: each query was recorded before it left, each outcome after.
    const sentTo = outbound.sent
      .filter((s) => s.searchId === started.body.id)
      .map((s) => s.peer)
      .sort();
    expect(sentTo).toEqual(['at-labour', 'bg-police', 'hu-border', 'nl-fiu']);
    expect(outbound.answers.filter((a) => a.searchId === started.body.id)).toHaveLength(4);

    const fetched = await call('GET', `/api/v1/searches/${started.body.id}`, 'ana');
    expect(fetched.body.peers).toHaveLength(4);
  });

  it('streams peer answers as Server-Sent Events, ending with done', async () => {
    const started = await call('POST', '/api/v1/searches', 'ana', {
      ...SEARCH,
      targets: { groups: ['jit-danube'] },
    });
    expect(started.body.peers.map((p: { agency: string }) => p.agency)).toEqual(['hu-border', 'nl-fiu']);
    const res = await fetch(`${api}/api/v1/searches/${started.body.id}/events`, {
      headers: { authorization: `Bearer ${tokens['ana']}` },
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => [m[1], JSON.parse(m[2]!)]);
    expect(events.map((e) => e[0])).toEqual(['peer', 'peer', 'done']);
    expect(events[0]![1]).toMatchObject({ agency: 'hu-border', status: 'no-hit' });
    expect(events[2]![1]).toMatchObject({ status: 'complete', partial: true });
  });

  it('fails a search whose required peer fails', async () => {
    const started = await call('POST', '/api/v1/searches', 'ana', {
      ...SEARCH,
      targets: { agencies: ['hu-border', 'bg-police'] },
      required: ['bg-police'],
    });
    const done = await nodes.get('ro-police')!.searches.settle(started.body.id);
    expect(done).toMatchObject({ status: 'failed', partial: true });
  });

  it.each<[string, unknown, number, string]>([
    [
      'an unknown selector kind',
      { ...SEARCH, subject: { kind: 'pet', selectors: { name: 'Rex' } } },
      400,
      'MOSAIC_ERR_API_VALIDATION',
    ],
    ['a missing purpose', { ...SEARCH, purpose: undefined }, 400, 'MOSAIC_ERR_API_VALIDATION'],
    [
      'a purpose outside the federation vocabulary',
      { ...SEARCH, purpose: 'curiosity' },
      400,
      'MOSAIC_ERR_API_VALIDATION',
    ],
    [
      'an unknown peer',
      { ...SEARCH, targets: { agencies: ['xx-nobody'] } },
      400,
      'MOSAIC_ERR_API_UNKNOWN_PEER',
    ],
    [
      'an unknown group',
      { ...SEARCH, targets: { groups: ['no-such-group'] } },
      400,
      'MOSAIC_ERR_API_UNKNOWN_PEER',
    ],
    [
      'itself as target',
      { ...SEARCH, targets: { agencies: ['ro-police'] } },
      400,
      'MOSAIC_ERR_API_UNKNOWN_PEER',
    ],
    ['an absurd deadline', { ...SEARCH, deadlineMs: 86_400_000 }, 400, 'MOSAIC_ERR_API_VALIDATION'],
    ['an unknown field', { ...SEARCH, sql: 'DROP TABLE users' }, 400, 'MOSAIC_ERR_API_VALIDATION'],
    [
      'a hostile __proto__ key',
      JSON.parse(`{"__proto__":{"admin":true},${JSON.stringify(SEARCH).slice(1)}`),
      400,
      'MOSAIC_ERR_API_VALIDATION',
    ],
    ['malformed JSON', '{"subject":', 400, 'MOSAIC_ERR_REQUEST_MALFORMED'],
    [
      'an oversized request',
      { ...SEARCH, legalBasis: 'x'.repeat(70_000) },
      413,
      'MOSAIC_ERR_REQUEST_TOO_LARGE',
    ],
  ])('refuses %s with a coded 4xx and sends no query', async (_n, body, status, code) => {
    const before = outbound.sent.length;
    const r = await call('POST', '/api/v1/searches', 'ana', body);
    expect([r.status, r.body.code]).toEqual([status, code]);
    expect(r.type).toContain('application/problem+json');
    expect(outbound.sent.length).toBe(before);
  });

  it.each<[string, string, string, number, string | undefined]>([
    ['no token', 'POST', '/api/v1/searches', 401, 'MOSAIC_ERR_AUTH_MISSING'],
    ['a disclosure officer starting a search', 'POST', '/api/v1/searches', 403, 'MOSAIC_ERR_AUTH_FORBIDDEN'],
    ['an auditor starting a search', 'POST', '/api/v1/searches', 403, 'MOSAIC_ERR_AUTH_FORBIDDEN'],
    ['an admin starting a search', 'POST', '/api/v1/searches', 403, 'MOSAIC_ERR_AUTH_FORBIDDEN'],
  ])('refuses %s', async (name, method, path, status, code) => {
    const who =
      name === 'no token'
        ? 'nobody'
        : name.includes('officer')
          ? 'dora'
          : name.includes('auditor')
            ? 'aurel'
            : 'adi';
    const r = await call(method, path, who, SEARCH);
    expect([r.status, r.body.code]).toEqual([status, code]);
  });

  it('refuses a forged token', async () => {
    tokens['forger'] = `mosaic_${'A'.repeat(43)}`;
    const r = await call('GET', '/api/v1/me', 'forger');
    expect([r.status, r.body.code]).toEqual([401, 'MOSAIC_ERR_AUTH_INVALID']);
  });

  it("keeps an analyst out of another analyst's case, but lets the auditor read it", async () => {
    const started = await call('POST', '/api/v1/searches', 'ana', { ...SEARCH, caseRef: 'RO-PRIVATE-1' });
    const other = await call('GET', `/api/v1/searches/${started.body.id}`, 'bogdan');
    expect([other.status, other.body.code]).toEqual([404, 'MOSAIC_ERR_API_NOT_FOUND']);
    const reuse = await call('POST', '/api/v1/searches', 'bogdan', { ...SEARCH, caseRef: 'RO-PRIVATE-1' });
    expect([reuse.status, reuse.body.code]).toEqual([404, 'MOSAIC_ERR_API_NOT_FOUND']);
    const audit = await call('GET', `/api/v1/searches/${started.body.id}`, 'aurel');
    expect(audit.status).toBe(200);
    await nodes.get('ro-police')!.searches.settle(started.body.id);
  });

  it('runs the same search from the CLI (`mosaic search`), printing each peer as it answers', async () => {
    const r = await cli(
      [
        'search',
        '--api',
        api,
        '--kind',
        'phone',
        '--selector',
        'number=+40 721 555 019',
        '--purpose',
        'trafficking-investigation',
        '--legal-basis',
        'Art. 39 Prüm',
        '--case',
        'RO-2026-0042',
        '--peers',
        'hu-border,at-labour',
        '--deadline',
        '1500',
      ],
      { MOSAIC_TOKEN: tokens['ana'] },
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/hu-border\s+no-hit/);
    expect(r.out).toMatch(/at-labour\s+denied\s+NO_POLICY/);
    expect(r.out.trim().split('\n').at(-1)).toBe('complete');
    const bad = await cli(
      ['search', '--api', api, '--kind', 'pet', '--purpose', 'x', '--legal-basis', 'y', '--case', 'C'],
      {
        MOSAIC_TOKEN: tokens['ana'],
      },
    );
    expect([bad.code, bad.err]).toEqual([1, expect.stringContaining('MOSAIC_ERR_API_VALIDATION')]);
  });

  it('moves the Prometheus counters on both sides of the exchange', async () => {
    const scrape = async (id: string) => (await fetch(`${nodes.get(id)!.apiUrl}/metrics`)).text();
    const value = (text: string, series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? 0 : Number(line.split(' ')[1]);
    };
    const before = value(
      await scrape('hu-border'),
      'mosaic_peer_queries_in_total{decision="permit",peer="ro-police"}',
    );
    const started = await call('POST', '/api/v1/searches', 'ana', {
      ...SEARCH,
      targets: { agencies: ['hu-border'] },
    });
    await nodes.get('ro-police')!.searches.settle(started.body.id);
    const hu = await scrape('hu-border');
    expect(value(hu, 'mosaic_peer_queries_in_total{decision="permit",peer="ro-police"}')).toBe(before + 1);
    expect(value(hu, 'mosaic_pipeline_step_seconds_count{step="verifySignature"}')).toBeGreaterThan(0);
    expect(value(hu, 'mosaic_ready')).toBe(1);
    // Group commit: at least one durable transaction, never more than the entries it wrote.
    expect(value(hu, 'mosaic_audit_ledger_commits')).toBeGreaterThan(0);
    expect(value(hu, 'mosaic_audit_ledger_commits')).toBeLessThanOrEqual(
      value(hu, 'mosaic_audit_ledger_entries'),
    );
    const ro = await scrape('ro-police');
    expect(value(ro, 'mosaic_peer_queries_out_total{peer="hu-border",status="no-hit"}')).toBeGreaterThan(0);
    expect(value(ro, 'mosaic_peer_queries_out_total{peer="nl-fiu",status="timeout"}')).toBeGreaterThan(0);
    expect(value(ro, 'mosaic_trust_list_version')).toBeGreaterThan(0);
    // Label values are agency ids, steps and codes only: no selector value reaches the metrics.
    expect(ro).not.toContain('721 555');
  });

  it('never writes a selector value, token or legal basis to any node log', () => {
    expect(logLines.length).toBeGreaterThan(10);
    const secrets = [
      '721 555 019',
      '721555019',
      'Art. 39',
      'Prüm',
      'Rex',
      'DROP TABLE',
      ...Object.values(tokens),
    ];
    const leaks = secrets.filter((v) => logLines.some((l) => l.includes(v)));
    expect(leaks).toEqual([]);
    for (const line of logLines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
