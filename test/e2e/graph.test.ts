import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphView, HitNode, IdentifierNode, PathView, SameAsEdge } from '../../gateway/graph/index.js';
import type { MosaicNode } from '../../gateway/node/node.js';
import type { SearchState } from '../../gateway/search/service.js';
import { createFederation, type Federation, startNodes, stopNodes, provisionPersons } from './harness.js';

/**
 * The network view end to end: three real nodes on loopback. hu-border holds Ionuț Popescu (Latin script,
 * phone +40 721 555 019); at-labour holds "Йонуц Попеску" (Cyrillic) and Vasile Dumitru, who uses Ionuț's
 * phone; five persons at each owner give a shelter's phone (+40 744 100 200). ro-police's analyst searches,
 * confirms the possibly-same edge, pivots on the shared phone and on the shelter's phone.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures', 'graph');
const CASE = 'RO-2026-0777';
const SHARED = '+40721555019';
const SHELTER = '+40744100200';

describe('the network view of a case across three nodes', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  const tokens: Record<'analyst' | 'other' | 'auditor', string> = { analyst: '', other: '', auditor: '' };
  const ro = () => nodes.get('ro-police')!;

  async function api(token: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${ro().apiUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  async function search(selectors: Record<string, string>): Promise<SearchState> {
    const started = await api(tokens.analyst, 'POST', '/searches', {
      subject: { kind: 'person', selectors },
      purpose: 'trafficking-investigation',
      legalBasis: 'JIT Danube agreement 2025',
      caseRef: CASE,
      granularity: 'summary',
    });
    expect(started.status).toBe(202);
    return ro().searches.settle(started.body.id);
  }

  async function graph(token = tokens.analyst, query = ''): Promise<GraphView> {
    const r = await api(token, 'GET', `/cases/${CASE}/graph${query}`);
    expect(r.status).toBe(200);
    return r.body as GraphView;
  }

  const personHits = (g: GraphView) =>
    g.nodes.filter((n): n is HitNode => n.type === 'hit' && n.kind === 'person');
  const phoneNode = (g: GraphView, e164: string) =>
    g.nodes.find(
      (n): n is IdentifierNode => n.type === 'identifier' && n.kind === 'phone' && n.value === e164,
    );
  const hitOf = (g: GraphView, agency: string, label: string) =>
    personHits(g).find((h) => h.provenance.agency === agency && h.label === label)!;

  beforeAll(async () => {
    fed = await createFederation([
      { id: 'ro-police', country: 'RO', groups: ['jit-danube'] },
      { id: 'hu-border', country: 'HU', groups: ['jit-danube'] },
      { id: 'at-labour', country: 'AT', groups: ['jit-danube'] },
    ]);
    for (const owner of ['hu-border', 'at-labour']) {
      const imported = await provisionPersons(fed, owner, join(FIXTURES, owner));
      expect(imported.code, imported.err).toBe(0);
      expect(imported.out).toContain('6 rows, 6 inserted');
    }
    nodes = await startNodes(fed);
    tokens.analyst = ro().users.add('ana', 'analyst', new Date()).token;
    tokens.other = ro().users.add('bob', 'analyst', new Date()).token;
    tokens.auditor = ro().users.add('aud', 'auditor', new Date()).token;
  });

  afterAll(async () => {
    await stopNodes(nodes);
    fed.cleanup();
  });

  let sameAsId = '';

  it('links the person held by both owners under two scripts as possibly the same, with evidence', async () => {
    const s = await search({ fullName: 'Ionut Popescu', birthDate: '1988-03-14' });
    expect(s.peers.map((p) => [p.agency, p.status])).toEqual([
      ['at-labour', 'hit'],
      ['hu-border', 'hit'],
    ]);
    const g = await graph();
    const hu = hitOf(g, 'hu-border', 'Ionuț Popescu');
    const at = hitOf(g, 'at-labour', 'Йонуц Попеску');
    expect(hu.provenance).toMatchObject({ searchId: s.id, granted: 'summary', band: 'match' });
    expect(hu.fields).toMatchObject({ birthDate: '1988', documentNumber: '***56' });
    const edge = g.edges.find(
      (e): e is SameAsEdge =>
        e.type === 'possibly-same' && [e.from, e.to].sort().join() === [hu.id, at.id].sort().join(),
    )!;
    expect(edge).toMatchObject({ band: 'match', decision: 'pending' });
    expect(edge.evidence.filter((e) => e.weight > 0).map((e) => e.field)).toEqual(['given', 'family', 'dob']);
    // Two hits, never merged; the masked document numbers are not identifiers.
    expect(
      g.nodes
        .filter((n) => n.type === 'identifier')
        .map((n) => n.kind)
        .sort(),
    ).toEqual(['phone', 'phone']);
    sameAsId = edge.id;
  });

  it('keeps the analyst’s confirmation with the case', async () => {
    const bad = await api(tokens.analyst, 'POST', `/cases/${CASE}/edges/${sameAsId}/decision`, {
      decision: 'merged',
    });
    expect([bad.status, bad.body.code]).toEqual([400, 'MOSAIC_ERR_API_VALIDATION']);
    const r = await api(tokens.analyst, 'POST', `/cases/${CASE}/edges/${sameAsId}/decision`, {
      decision: 'confirmed',
      note: 'Same birth date; transliteration of the same name.',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: sameAsId, decision: 'confirmed', decidedBy: 'ana' });
    const g = await graph();
    expect(g.edges.find((e) => e.id === sameAsId)).toMatchObject({
      decision: 'confirmed',
      note: 'Same birth date; transliteration of the same name.',
    });
  });

  it('pivots on the shared phone, revealing a third person; the phone is flagged a hub', async () => {
    const before = await graph();
    const phone = phoneNode(before, SHARED)!;
    expect(phone.agencies).toEqual(['hu-border']);
    const r = await api(tokens.analyst, 'POST', `/cases/${CASE}/pivot`, {
      entity: phone.id,
      legalBasis: 'JIT Danube agreement 2025',
    });
    expect(r.status).toBe(202);
    expect(r.body.request).toMatchObject({
      subject: { kind: 'phone', selectors: { number: SHARED } },
      purpose: 'trafficking-investigation',
      granularity: 'summary',
      caseRef: CASE,
    });
    await ro().searches.settle(r.body.id);
    const g = await graph();
    const vasile = hitOf(g, 'at-labour', 'Vasile Dumitru');
    expect(vasile.provenance.searchId).toBe(r.body.id);
    expect(phoneNode(g, SHARED)!.agencies).toEqual(['at-labour', 'hu-border']);
    expect(g.analysis.flags).toContainEqual(
      expect.objectContaining({
        node: phone.id,
        flag: 'hub',
        persons: 2,
        agencies: ['at-labour', 'hu-border'],
      }),
    );
    expect(g.analysis.nodes[phone.id]).toMatchObject({ flag: 'hub' });
  });

  it('finds the shortest path between the two persons through the confirmed edge and the phone', async () => {
    const g = await graph();
    const at = hitOf(g, 'at-labour', 'Йонуц Попеску');
    const vasile = hitOf(g, 'at-labour', 'Vasile Dumitru');
    const r = await api(tokens.analyst, 'GET', `/cases/${CASE}/graph/path?from=${at.id}&to=${vasile.id}`);
    expect(r.status).toBe(200);
    const path = r.body as PathView;
    expect(path).toMatchObject({ found: true, length: 3, options: { sameAs: 'confirmed' } });
    expect(path.nodes.map((n) => (n.type === 'hit' ? n.label : n.value))).toEqual([
      'Йонуц Попеску',
      'Ionuț Popescu',
      SHARED,
      'Vasile Dumitru',
    ]);
    expect(path.edges.map((e) => e.type)).toEqual(['possibly-same', 'uses-phone', 'uses-phone']);
    const none = await api(
      tokens.analyst,
      'GET',
      `/cases/${CASE}/graph/path?from=${at.id}&to=${vasile.id}&sameAs=none`,
    );
    expect(none.body).toMatchObject({ found: false, nodes: [], edges: [] });
  });

  it('flags the shelter’s phone, shared by ten persons at two owners, as generic and not a hub', async () => {
    const before = await graph();
    const shelter = phoneNode(before, SHELTER)!;
    const r = await api(tokens.analyst, 'POST', `/cases/${CASE}/pivot`, {
      entity: shelter.id,
      legalBasis: 'JIT Danube agreement 2025',
    });
    expect(r.status).toBe(202);
    const done = await ro().searches.settle(r.body.id);
    expect(done.peers.every((p) => p.status === 'hit')).toBe(true);
    const g = await graph();
    const flag = g.analysis.flags.find((f) => f.node === shelter.id);
    expect(flag).toMatchObject({ flag: 'generic', reason: 'many-records', records: 10 });
    expect(g.analysis.nodes[shelter.id]).toMatchObject({ flag: 'generic', degree: 0, betweenness: 0 });
    // Its residents are not "possibly the same" because of it, nor connected through it.
    const residents = personHits(g).filter((h) => h.provenance.searchId === r.body.id);
    expect(residents).toHaveLength(10);
    const ids = new Set(residents.map((h) => h.id));
    expect(g.edges.filter((e) => e.type === 'possibly-same' && ids.has(e.from) && ids.has(e.to))).toEqual([]);
    const [a, b] = residents.filter((h) => h.label !== 'Йонуц Попеску');
    const path = await api(tokens.analyst, 'GET', `/cases/${CASE}/graph/path?from=${a!.id}&to=${b!.id}`);
    expect(path.body.found).toBe(false);
    const through = await api(
      tokens.analyst,
      'GET',
      `/cases/${CASE}/graph/path?from=${a!.id}&to=${b!.id}&generic=include`,
    );
    expect(through.body).toMatchObject({ found: true, length: 2 });
  });

  it('refuses unknown entities, cases and options with coded errors', async () => {
    const g = await graph();
    const some = g.nodes[0]!.id;
    const unknown = 'h-00000000000000000000';
    const cases: [string, string, unknown, number, string][] = [
      [
        'GET',
        `/cases/${CASE}/graph/path?from=${some}&to=${unknown}`,
        undefined,
        404,
        'MOSAIC_ERR_API_NOT_FOUND',
      ],
      ['GET', `/cases/${CASE}/graph/path?from=${some}`, undefined, 400, 'MOSAIC_ERR_API_VALIDATION'],
      [
        'GET',
        `/cases/${CASE}/graph/path?from=__proto__&to=${some}`,
        undefined,
        400,
        'MOSAIC_ERR_API_VALIDATION',
      ],
      ['GET', `/cases/${CASE}/graph?sameAs=maybe`, undefined, 400, 'MOSAIC_ERR_API_VALIDATION'],
      ['GET', '/cases/RO-2026-9999/graph', undefined, 404, 'MOSAIC_ERR_API_NOT_FOUND'],
      ['POST', `/cases/${CASE}/pivot`, { entity: unknown, legalBasis: 'x' }, 404, 'MOSAIC_ERR_API_NOT_FOUND'],
      ['POST', `/cases/${CASE}/pivot`, { entity: some }, 400, 'MOSAIC_ERR_API_VALIDATION'],
      [
        'POST',
        `/cases/${CASE}/pivot`,
        { entity: some, legalBasis: 'x', constructor: 1 },
        400,
        'MOSAIC_ERR_API_VALIDATION',
      ],
      [
        'POST',
        `/cases/${CASE}/edges/s-00000000000000000000/decision`,
        { decision: 'confirmed' },
        404,
        'MOSAIC_ERR_API_NOT_FOUND',
      ],
    ];
    for (const [method, path, body, status, code] of cases) {
      const r = await api(tokens.analyst, method, path, body);
      expect([path, r.status, r.body.code]).toEqual([path, status, code]);
    }
  });

  it('hides the case from another analyst (404) and lets the auditor read but not decide or pivot (403)', async () => {
    const g = await graph(tokens.auditor);
    expect(g.edges.find((e) => e.id === sameAsId)).toMatchObject({ decision: 'confirmed' });
    const phone = phoneNode(g, SHARED)!;
    for (const [method, path, body] of [
      ['GET', `/cases/${CASE}/graph`, undefined],
      ['GET', `/cases/${CASE}/graph/path?from=${phone.id}&to=${phone.id}`, undefined],
      ['POST', `/cases/${CASE}/edges/${sameAsId}/decision`, { decision: 'rejected' }],
      ['POST', `/cases/${CASE}/pivot`, { entity: phone.id, legalBasis: 'x' }],
    ] as const) {
      const other = await api(tokens.other, method, path, body);
      expect([path, other.status, other.body.code]).toEqual([path, 404, 'MOSAIC_ERR_API_NOT_FOUND']);
    }
    for (const [path, body] of [
      [`/cases/${CASE}/edges/${sameAsId}/decision`, { decision: 'rejected' }],
      [`/cases/${CASE}/pivot`, { entity: phone.id, legalBasis: 'x' }],
    ] as const) {
      const r = await api(tokens.auditor, 'POST', path, body);
      expect([path, r.status, r.body.code]).toEqual([path, 403, 'MOSAIC_ERR_AUTH_FORBIDDEN']);
    }
    // Nothing changed: the edge is still confirmed, and no search was started by the refused pivots.
    const after = await graph(tokens.auditor);
    expect(after.edges.find((e) => e.id === sameAsId)).toMatchObject({ decision: 'confirmed' });
    expect(after.searches).toHaveLength(g.searches.length);
  });

  it('shows a rejected edge as rejected and stops walking it', async () => {
    const r = await api(tokens.analyst, 'POST', `/cases/${CASE}/edges/${sameAsId}/decision`, {
      decision: 'rejected',
    });
    expect(r.body).toMatchObject({ id: sameAsId, decision: 'rejected' });
    expect(r.body.note).toBeUndefined();
    const g = await graph(tokens.analyst, '?sameAs=all');
    expect(g.edges.find((e) => e.id === sameAsId)).toMatchObject({
      type: 'possibly-same',
      decision: 'rejected',
    });
    const at = hitOf(g, 'at-labour', 'Йонуц Попеску');
    const hu = personHits(g).filter((h) => h.label === 'Ionuț Popescu');
    for (const h of hu) {
      const p = await api(
        tokens.analyst,
        'GET',
        `/cases/${CASE}/graph/path?from=${at.id}&to=${h.id}&sameAs=all`,
      );
      // Only through another pending edge (hu-border's second copy of Ionuț), never through the rejected one.
      expect((p.body as PathView).edges.map((e) => e.id)).not.toContain(sameAsId);
    }
  });
});
