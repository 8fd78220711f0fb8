import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphView, HitNode, SameAsEdge } from '../../gateway/graph/index.js';
import { sha256Digest } from '../../contracts/index.js';
import type { MosaicNode } from '../../gateway/node/node.js';
import type { DecisionPort } from '../../gateway/peer/ports.js';
import { denyAllDecisions } from '../../gateway/peer/ports.js';
import {
  cli,
  createFederation,
  type Federation,
  startNodes,
  stopNodes,
  provisionPersons,
} from './harness.js';

/**
 * Issue 6's acceptance in one run, on six real nodes: ro-police's analyst searches the federation for a person
 * two owners hold under different scripts; one agency denies by policy, one is slow, one is down; the graph
 * links the two records as possibly the same; a pivot on a shared phone reveals a third person; a full record
 * is requested, queued, approved by the owner's officer and delivered; the two nodes' audit bundles reconcile.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures', 'graph');
const CASE = 'RO-2026-0900';
const MLA_RULE = `
  - id: record-on-mla
    effect: permit
    when:
      groups: [jit-danube]
      purposes: [trafficking-investigation]
      legalBases: [MLA request 2026]
      datasets: [persons]
    grant:
      maxGranularity: record
      fields: { givenName: keep, familyName: keep, birthDate: keep, phone: keep, documentNumber: keep }
      duties: { approvalBeforeRecord: true, handlingCode: HU-H3, retentionDays: 180 }
`;

let slowAnswers = 0;
const slow: DecisionPort = {
  decide: async (q) => {
    await new Promise((r) => setTimeout(r, 2500));
    slowAnswers++;
    return denyAllDecisions.decide(q);
  },
};

describe('a cross-border case from search to disclosure across six nodes', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  const tokens: Record<string, string> = {};
  const node = (id: string) => nodes.get(id)!;

  async function api(id: string, token: string, method: string, path: string, body?: unknown) {
    const res = await fetch(`${node(id).apiUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  beforeAll(async () => {
    fed = await createFederation([
      { id: 'ro-police', country: 'RO', groups: ['jit-danube'] },
      { id: 'hu-border', country: 'HU', groups: ['jit-danube'] },
      { id: 'at-labour', country: 'AT', groups: ['jit-danube'] },
      { id: 'cz-police', country: 'CZ' },
      { id: 'nl-fiu', country: 'NL', groups: ['jit-danube'] },
      { id: 'bg-police', country: 'BG' },
    ]);
    for (const owner of ['hu-border', 'at-labour']) {
      const imported = await provisionPersons(fed, owner, join(FIXTURES, owner));
      if (owner === 'hu-border') {
        const rules = join(fed.nodeDirs.get(owner)!, 'policies', 'sharing.yaml');
        writeFileSync(rules, `${readFileSync(rules, 'utf8').trimEnd()}\n${MLA_RULE}`);
      }
      expect(imported.code, imported.err).toBe(0);
    }
    nodes = await startNodes(fed, (id) => (id === 'nl-fiu' ? { decisions: slow } : {}));
    await node('bg-police').stop();
    nodes.delete('bg-police');
    tokens['analyst'] = node('ro-police').users.add('ana', 'analyst', new Date()).token;
    tokens['ro-auditor'] = node('ro-police').users.add('aud', 'auditor', new Date()).token;
    tokens['officer'] = node('hu-border').users.add('dora', 'disclosure-officer', new Date()).token;
    tokens['hu-auditor'] = node('hu-border').users.add('aud', 'auditor', new Date()).token;
  });

  afterAll(async () => {
    await stopNodes(nodes);
    fed.cleanup();
  });

  async function search(selectors: Record<string, string>, extra: Record<string, unknown> = {}) {
    const started = await api('ro-police', tokens['analyst']!, 'POST', '/searches', {
      subject: { kind: 'person', selectors },
      purpose: 'trafficking-investigation',
      legalBasis: 'JIT Danube agreement 2025',
      caseRef: CASE,
      granularity: 'summary',
      deadlineMs: 1500,
      peerDeadlineMs: 1000,
      ...extra,
    });
    expect(started.status).toBe(202);
    return node('ro-police').searches.settle(started.body.id);
  }

  it('runs the case end to end', async () => {
    // 1. One search, every peer accounted for.
    const before = slowAnswers;
    const s = await search({ fullName: 'Ionut Popescu', birthDate: '1988-03-14' });
    const status = Object.fromEntries(s.peers.map((p) => [p.agency, [p.status, p.reasonCode ?? p.code]]));
    expect(status).toEqual({
      'at-labour': ['hit', undefined],
      'bg-police': ['unreachable', 'MOSAIC_ERR_PEER_UNREACHABLE'],
      'cz-police': ['denied', 'NO_POLICY'],
      'hu-border': ['hit', undefined],
      'nl-fiu': ['timeout', 'MOSAIC_ERR_PEER_TIMEOUT'],
    });
    expect(s).toMatchObject({ status: 'complete', partial: true });
    expect(slowAnswers).toBe(before); // the slow peer did not hold the search up: it had not even answered

    // 2. The two scripts are linked as possibly the same, with the evidence, never merged.
    const g = (await api('ro-police', tokens['analyst']!, 'GET', `/cases/${CASE}/graph`)).body as GraphView;
    const persons = g.nodes.filter((n): n is HitNode => n.type === 'hit' && n.kind === 'person');
    const hu = persons.find((h) => h.provenance.agency === 'hu-border')!;
    const at = persons.find((h) => h.provenance.agency === 'at-labour' && h.label === 'Йонуц Попеску')!;
    expect(hu && at).toBeTruthy();
    const same = g.edges.find(
      (e): e is SameAsEdge =>
        e.type === 'possibly-same' && [e.from, e.to].sort().join() === [hu.id, at.id].sort().join(),
    )!;
    expect(same.evidence.length).toBeGreaterThan(1);

    // 3. Pivot on the shared phone: a third person appears.
    const phone = g.nodes.find(
      (n) => n.type === 'identifier' && n.kind === 'phone' && n.value === '+40721555019',
    )!;
    const pivot = await api('ro-police', tokens['analyst']!, 'POST', `/cases/${CASE}/pivot`, {
      entity: phone.id,
      legalBasis: 'JIT Danube agreement 2025',
      targets: { agencies: ['hu-border', 'at-labour'] },
    });
    expect(pivot.status).toBe(202);
    await node('ro-police').searches.settle(pivot.body.id);
    const g2 = (await api('ro-police', tokens['analyst']!, 'GET', `/cases/${CASE}/graph`)).body as GraphView;
    const labels = g2.nodes
      .filter((n): n is HitNode => n.type === 'hit' && n.kind === 'person')
      .map((h) => h.label);
    expect(labels).toContain('Vasile Dumitru');

    // 4. Step 2: the full record, queued for hu-border's officer, approved, delivered signed.
    const mla = await search(
      { fullName: 'Ionut Popescu' },
      { legalBasis: 'MLA request 2026', targets: { agencies: ['hu-border'] } },
    );
    const ref = mla.peers[0]!.results![0]!.hits![0]!.ref;
    const asked = await api('ro-police', tokens['analyst']!, 'POST', '/disclosures', {
      peer: 'hu-border',
      ref,
      caseRef: CASE,
      purpose: 'trafficking-investigation',
      legalBasis: 'MLA request 2026',
      justification: 'Identity of the recruiter for the European arrest warrant.',
      urgency: 'urgent',
    });
    expect(asked.body).toMatchObject({ status: 'queued', reasonCode: 'APPROVAL_REQUIRED' });
    const inbox = await api('hu-border', tokens['officer']!, 'GET', '/disclosures/inbox');
    const item = inbox.body.items.find((i: { caseRef: string }) => i.caseRef === CASE);
    await api('hu-border', tokens['officer']!, 'POST', `/disclosures/inbox/${item.id}/approve`, {
      note: 'MLA verified',
    });
    const got = await api('ro-police', tokens['analyst']!, 'GET', `/disclosures/${asked.body.id}`);
    expect(got.body).toMatchObject({
      status: 'approved',
      handlingCode: 'HU-H3',
      record: { fields: { familyName: 'Popescu', documentNumber: 'AB 123456' } },
    });

    // 5. The two ledgers reconcile: every query and response both sides logged pair up.
    const files: string[] = [];
    for (const [id, token] of [
      ['ro-police', tokens['ro-auditor']!],
      ['hu-border', tokens['hu-auditor']!],
    ] as const) {
      const b = await api(id, token, 'GET', '/audit/export');
      const f = join(fed.root, `${id}.bundle.json`);
      writeFileSync(f, JSON.stringify(b.body));
      files.push(f);
    }
    const r = await cli(['audit', 'reconcile', files[0]!, files[1]!]);
    expect(r.out).toMatch(/^\d+ exchanges agree; 0 issue\(s\)/);
    expect(r.code).toBe(0);

    // 6. Retention: 180 days after it arrived the released record is deleted, the deletion recorded first.
    const granted = (g: GraphView) =>
      g.nodes.filter((n): n is HitNode => n.type === 'hit').map((h) => h.provenance.granted);
    const graph = async () =>
      (await api('ro-police', tokens['analyst']!, 'GET', `/cases/${CASE}/graph`)).body as GraphView;
    expect(granted(await graph())).toContain('record');
    const requests = node('ro-police').disclosureRequests;
    expect(await requests.purgeExpired(Date.now() + 179 * DAY)).toBe(0);
    expect(await requests.purgeExpired(Date.now() + 181 * DAY)).toBe(1);
    expect(await requests.purgeExpired(Date.now() + 181 * DAY)).toBe(0);
    const expired = await api('ro-police', tokens['analyst']!, 'GET', `/disclosures/${asked.body.id}`);
    expect(expired.body).toEqual({
      id: asked.body.id,
      peer: 'hu-border',
      ref,
      caseRef: CASE,
      status: 'expired',
      expiredAt: expect.any(String),
      replyDigest: sha256Digest(got.body.signedReply),
    });
    const listed = await api('ro-police', tokens['analyst']!, 'GET', `/disclosures?caseRef=${CASE}`);
    expect(JSON.stringify(listed.body)).not.toContain('AB 123456');
    expect(granted(await graph())).not.toContain('record');
    const events = await api(
      'ro-police',
      tokens['ro-auditor']!,
      'GET',
      '/audit/events?kind=disclosure-expired',
    );
    expect(events.body.entries).toHaveLength(1);
    expect(events.body.entries[0].event).toMatchObject({
      direction: 'local',
      disclosureId: asked.body.id,
      recordDigest: sha256Digest(got.body.signedReply),
    });
    expect(
      (await cli(['audit', 'verify', '--config', join(fed.nodeDirs.get('ro-police')!, 'mosaic.yaml')])).code,
    ).toBe(0);
  });
});

const DAY = 86_400_000;
