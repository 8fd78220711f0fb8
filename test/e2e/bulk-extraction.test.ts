import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetResult } from '../../contracts/index.js';
import type { MosaicNode } from '../../gateway/node/node.js';
import type { QueryInput } from '../../gateway/peer/client.js';
import { quotaKey, windowStart } from '../../policies/index.js';
import {
  cli,
  createFederation,
  type Federation,
  provisionPersons,
  startNodes,
  stopNodes,
} from './harness.js';

/**
 * Issue 15, finding 3: bulk extraction is unbounded. Four real nodes; at-labour holds twelve persons named Ion
 * Popescu (so one query by name matches many records) and ten others, under test/e2e/fixtures/bulk/policies:
 * hu-border may take twelve records a day as an agency (five per answer), each ro-police officer six, nl-fiu
 * only hit/no-hit. On the code before, a quota counted exchanges only and the bundle's `quotas` did not even
 * load; an analyst's searches were never limited; nothing watched a peer's pattern.
 */

const FIXTURES = join(import.meta.dirname, 'fixtures', 'bulk');
const IONS = 12;
const OTHERS = [
  'Andrei Munteanu',
  'Bianca Dragomir',
  'Cosmin Vasilescu',
  'Daria Constantin',
  'Emil Barbulescu',
  'Flavia Georgescu',
  'Grigore Lazarescu',
  'Horia Manolescu',
  'Irina Nedelcu',
  'Jana Olteanu',
];

function byName(fullName: string, requester = 'officer-7f3a', extra: Partial<QueryInput> = {}): QueryInput {
  return {
    purpose: 'trafficking-investigation',
    legalBasis: 'JIT Danube agreement 2025',
    caseRef: 'RO-2026-0042',
    requester: { id: requester, role: 'analyst' },
    subject: { kind: 'person', selectors: { fullName } },
    granularity: 'summary',
    datasets: ['persons'],
    ...extra,
  };
}

describe('finding 3: bulk extraction is bounded (records quotas, search limits, enumeration alarm)', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  const node = (id: string) => nodes.get(id)!;
  const ask = async (from: string, input: QueryInput): Promise<DatasetResult> =>
    (await node(from).client.query('at-labour', input)).response.results[0]!;

  beforeAll(async () => {
    fed = await createFederation([
      { id: 'ro-police', country: 'RO', groups: ['jit-danube'] },
      { id: 'hu-border', country: 'HU', groups: ['jit-danube'] },
      { id: 'nl-fiu', country: 'NL' },
      { id: 'at-labour', country: 'AT' },
    ]);
    const imported = await provisionPersons(fed, 'at-labour', FIXTURES);
    expect(imported.code, imported.err).toBe(0);
    nodes = await startNodes(
      fed,
      () => ({}),
      (id, c) =>
        id === 'at-labour'
          ? { ...c, enumerationWatch: { windowSeconds: 3600, distinctSubjects: 8, hitRatio: 0.5 } }
          : c,
    );
  });

  afterAll(async () => {
    await stopNodes(nodes);
    fed.cleanup();
  });

  it('a records quota stops a peer after N released records, however many each query matches', async () => {
    const first = await ask('hu-border', byName('Ion Popescu'));
    expect(first.decision).toMatchObject({ effect: 'permit', granted: 'summary' });
    // Twelve records match; the rule's maxHits is five.
    expect(first.hits).toHaveLength(5);
    const released = [first.hits!.length];
    for (let i = 0; i < 3; i++) {
      const r = await ask('hu-border', byName('Ion Popescu'));
      released.push(r.hits?.length ?? 0);
      if (i === 2) {
        expect(r.decision).toMatchObject({ effect: 'deny', reasonCode: 'QUOTA_EXCEEDED', granted: null });
        expect(r.hits).toBeUndefined();
      }
    }
    // 5 + 5 + the 2 left, then refused: twelve records, not 4 × 12.
    expect(released).toEqual([5, 5, 2, 0]);
    const key = quotaKey('hu-border', 'peer-capped.records.peer', windowStart('day', Date.now()));
    expect(node('at-labour').quotas.get(key)).toBe(12);
    // Another officer of the same agency gets nothing either: the quota is the agency's.
    expect((await ask('hu-border', byName('Ion Popescu', 'officer-b2c4'))).decision.reasonCode).toBe(
      'QUOTA_EXCEEDED',
    );
  });

  it('per requester: analyst A used up, analyst B of the same peer still served', async () => {
    const a1 = await ask('ro-police', byName('Ion Popescu', 'officer-ana1'));
    expect(a1.hits).toHaveLength(6);
    const a2 = await ask('ro-police', byName('Ion Popescu', 'officer-ana1'));
    expect(a2.decision).toMatchObject({ effect: 'deny', reasonCode: 'QUOTA_EXCEEDED' });
    const b1 = await ask('ro-police', byName('Ion Popescu', 'officer-bob2'));
    expect(b1.decision).toMatchObject({ effect: 'permit', reasonCode: 'PERMITTED' });
    expect(b1.hits).toHaveLength(6);
    // What B got is not what A got again: the cap takes the best matches, and both asked the same.
    expect(
      node('at-labour').quotas.get(
        quotaKey('ro-police', 'officer-capped.records.peer', windowStart('day', Date.now())),
      ),
    ).toBe(12);
  });

  it('answers matched at the same time never take more than the quota has left (checked and taken atomically)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => ask('ro-police', byName('Ion Popescu', 'officer-par3'))),
    );
    const total = answers.reduce((n, r) => n + (r.hits?.length ?? 0), 0);
    expect(total).toBe(6);
    // The others say why they release nothing (refused when decided, or used up while they were matched),
    // rather than answering as if nothing matched.
    expect(answers.filter((r) => r.decision.reasonCode === 'QUOTA_EXCEEDED')).toHaveLength(4);
    for (const r of answers) if (r.decision.effect === 'deny') expect(r.hits).toBeUndefined();
  });

  it('count and exists answers release no record and take nothing from a records quota', async () => {
    const r = await ask('ro-police', byName('Ion Popescu', 'officer-cnt4', { granularity: 'count' }));
    expect(r).toMatchObject({ decision: { granted: 'count' }, count: IONS });
    const after = await ask('ro-police', byName('Ion Popescu', 'officer-cnt4'));
    expect(after.hits).toHaveLength(6);
  });

  it('the requesting node refuses an analyst’s 31st search in a minute (429, coded) and sends nothing', async () => {
    const ro = node('ro-police');
    const { token } = ro.users.add('ana-limits', 'analyst', new Date());
    const post = (body: unknown) =>
      fetch(`${ro.apiUrl}/api/v1/searches`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const search = (i: number) => ({
      subject: {
        kind: 'person',
        selectors: { fullName: `Nobody Known${String.fromCharCode(97 + (i % 26))}` },
      },
      purpose: 'trafficking-investigation',
      legalBasis: 'JIT Danube agreement 2025',
      caseRef: 'RO-2026-0042',
      granularity: 'exists',
      targets: { agencies: ['at-labour'] },
      deadlineMs: 30_000,
    });
    // The default api.searchLimits: 30 a minute. Thirty searches are started within a second or two (each
    // answers 202 at once), far inside the minute even on a loaded machine.
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await post(search(i));
      expect(res.status, `search ${i + 1}`).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    for (const id of ids) await ro.searches.settle(id);
    const before = { ro: ro.ledger.size, at: node('at-labour').ledger.size };
    const refused = await post(search(30));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { code: string }).code).toBe('MOSAIC_ERR_SEARCH_RATE_LIMITED');
    expect(ro.searches.runningCount).toBe(0);
    expect({ ro: ro.ledger.size, at: node('at-labour').ledger.size }).toEqual(before);
    expect(ro.metrics.searchesLimited.get({ limit: 'minute' })).toBe(1);
    // Another analyst of the same node is not held back by her colleague's searches.
    const other = ro.users.add('bogdan-limits', 'analyst', new Date()).token;
    const res = await fetch(`${ro.apiUrl}/api/v1/searches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other}`, 'content-type': 'application/json' },
      // Her own case: the first analyst's case is not hers to search in.
      body: JSON.stringify({ ...search(0), caseRef: 'RO-2026-0043' }),
    });
    expect(res.status).toBe(202);
    await ro.searches.settle(((await res.json()) as { id: string }).id);
  });

  it('the enumeration alarm flips for a peer asking many distinct subjects that hit, not for a normal peer', async () => {
    const watch = node('at-labour').enumerationWatch;
    const flag = (peer: string) =>
      new RegExp(`^mosaic_peer_enumeration_suspected\\{peer="${peer}"\\} (\\d)$`, 'm').exec(
        node('at-labour').metrics.registry.expose(),
      )?.[1];
    const ledgerEvents = () =>
      node('at-labour')
        .ledger.list({ kind: 'peer-enumeration-suspected' })
        .entries.map((e) => e.event);

    // A normal peer: as many distinct names, almost none of them known here.
    for (let i = 0; i < 10; i++)
      await ask('hu-border', byName(`Unknown Person${String.fromCharCode(97 + i)}`));
    // The enumerating peer: every name it asks about is here.
    for (const name of OTHERS) {
      const r = await ask('nl-fiu', byName(name, 'officer-nl01', { granularity: 'exists' }));
      expect(r.exists, name).toBe(true);
    }
    expect(flag('nl-fiu')).toBe('1');
    expect(flag('hu-border')).toBe('0');
    expect(flag('ro-police')).toBe('0');
    const nl = watch.patterns().find((p) => p.peer === 'nl-fiu')!;
    expect(nl).toMatchObject({ queries: 10, hitQueries: 10, distinctSubjects: 10 });
    const hu = watch.patterns().find((p) => p.peer === 'hu-border')!;
    expect(hu.distinctSubjects).toBeGreaterThanOrEqual(10);
    expect(hu.hitQueries / hu.queries).toBeLessThan(0.5);

    // One ledger admin event when it crossed, not one per query after.
    await ask('nl-fiu', byName(OTHERS[0]!, 'officer-nl01', { granularity: 'exists' }));
    const events = ledgerEvents();
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'peer-enumeration-suspected',
        direction: 'local',
        officer: 'system',
        peer: 'nl-fiu',
        distinctSubjects: 8,
        hitQueries: 8,
        queries: 8,
      }),
    ]);
  });

  it('`mosaic policy check` warns (exit 0) about a summary grant without a records quota, not about the examples', async () => {
    const context = join(import.meta.dirname, '../../examples/policies/demo-context.json');
    const legacy = await cli([
      'policy',
      'check',
      join(import.meta.dirname, 'fixtures', 'hu-border', 'policies'),
      '--context',
      context,
    ]);
    expect(legacy.code).toBe(0);
    expect(legacy.out).toMatch(/^bundle 2026\.11\.29: 5 rules, digest sha256:/);
    expect(legacy.err.split('\n')).toEqual([
      expect.stringMatching(
        /^warning: sharing\.yaml:\d+: rule "jit-summary" grants summary without a records quota: it is an export/,
      ),
      expect.stringMatching(
        /^warning: sharing\.yaml:\d+: rule "jit-record-with-approval" grants record without/,
      ),
    ]);
    for (const agency of ['at-labour', 'ro-police', 'nl-fiu', 'hu-border']) {
      const r = await cli([
        'policy',
        'check',
        join(import.meta.dirname, '../../examples/policies', agency),
        '--context',
        context,
      ]);
      expect([agency, r.code, r.err]).toEqual([agency, 0, '']);
    }
  });
});
