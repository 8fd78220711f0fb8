import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVerifierKey, verifyInclusionProof } from '../../audit/index.js';
import type { MosaicNode } from '../../gateway/node/node.js';
import { type DecisionPort, denyAllDecisions } from '../../gateway/peer/ports.js';
import {
  cli,
  createFederation,
  type Federation,
  startNodes,
  stopNodes,
  provisionPersons,
} from './harness.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'hu-border');

let slow = false;
/** at-labour keeps deny-by-default, but can be made to answer after the requester has given up. */
const slowDeny: DecisionPort = {
  decide: async (q) => {
    if (slow) await new Promise((r) => setTimeout(r, 700));
    return denyAllDecisions.decide(q);
  },
};

describe('the audit ledger on both sides of every exchange', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  const tokens: Record<string, Record<string, string>> = {};
  const node = (id: string) => nodes.get(id)!;

  const api = async (id: string, role: string, method: string, path: string, body?: unknown) => {
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

  async function search(targets: string[], extra: Record<string, unknown> = {}) {
    const started = await api('ro-police', 'analyst', 'POST', '/api/v1/searches', {
      subject: { kind: 'person', selectors: { fullName: 'Ionut Popescu', birthDate: '1988-03-14' } },
      purpose: 'trafficking-investigation',
      legalBasis: 'JIT Danube agreement 2025',
      caseRef: 'RO-AUDIT-1',
      granularity: 'summary',
      targets: { agencies: targets },
      ...extra,
    });
    expect(started.status).toBe(202);
    return node('ro-police').searches.settle(started.body['id']);
  }

  beforeAll(async () => {
    fed = await createFederation([
      { id: 'ro-police', country: 'RO', groups: ['jit-danube'] },
      { id: 'hu-border', country: 'HU', groups: ['jit-danube'] },
      { id: 'at-labour', country: 'AT' },
      { id: 'nl-fiu', country: 'NL' },
    ]);
    const imported = await provisionPersons(fed, 'hu-border', FIXTURES);
    expect(imported.code, imported.err).toBe(0);
    nodes = await startNodes(
      fed,
      (id) => (id === 'at-labour' ? { decisions: slowDeny } : {}),
      // nl-fiu's ledger gets a tiny disk budget: it fills up, as a full disk would.
      (id, c) => (id === 'nl-fiu' ? { ...c, audit: { ...c.audit, maxDatabaseBytes: 65536 } } : c),
    );
    for (const id of nodes.keys()) {
      tokens[id] = {};
      for (const role of ['analyst', 'auditor', 'admin'] as const) {
        tokens[id]![role] = node(id).users.add(`${role}-1`, role, new Date()).token;
      }
    }
  });

  afterAll(async () => {
    await stopNodes(nodes);
    fed.cleanup();
  });

  it('returns a receipt with every response; the requester verifies it and fetches the inclusion proof', async () => {
    const done = await search(['hu-border', 'at-labour']);
    expect(done.peers.map((p) => p.status).sort()).toEqual(['denied', 'hit']);
    const received = await api(
      'ro-police',
      'auditor',
      'GET',
      '/api/v1/audit/events?kind=response-received&caseRef=RO-AUDIT-1',
    );
    expect(received.body['entries']).toHaveLength(2);
    for (const e of received.body['entries']) {
      expect(e.event.receiptVerified).toBe(true);
      expect(e.event.receipt.checkpoint).toContain('.mosaic/audit/v1');
    }
    const fromHu = received.body['entries'].find(
      (e: { event: { peer: string } }) => e.event.peer === 'hu-border',
    ).event;
    const proofRes = await node('ro-police').client.get(
      'hu-border',
      `/fed/v1/audit/proofs/${fromHu.receipt.leafIndex}`,
    );
    const proof = JSON.parse(proofRes.body);
    const huKey = parseVerifierKey(node('ro-police').trust.snapshot!.members.get('hu-border')!.logKey!)!;
    expect(verifyInclusionProof(proof, huKey, fromHu.receipt.leafHash)).toMatchObject({ ok: true });
    // The responder recorded the same exchange: query, decision with rule ids and digest, response.
    const huSide = await api('hu-border', 'auditor', 'GET', `/api/v1/audit/events?jti=${fromHu.jti}`);
    expect(huSide.body['entries'].map((e: { event: { kind: string } }) => e.event.kind)).toEqual([
      'query-received',
      'decision',
      'response-sent',
    ]);
    const decision = huSide.body['entries'][1].event;
    expect(decision).toMatchObject({
      effect: 'permit',
      ruleIds: expect.arrayContaining(['jit-summary']),
      policyDigest: expect.stringMatching(/^sha256:/),
    });
    // Leaves commit to what was exchanged; the personal data sits in the purgeable body.
    expect(JSON.stringify(huSide.body['entries'][0].event)).not.toContain('Popescu');
  });

  it('collects cosignatures from its peers (mutual witnessing) and the exported bundle verifies offline', async () => {
    await search(['hu-border']);
    const collected = await node('ro-police').ledgerService.collectCosignatures();
    expect(collected).toBeGreaterThanOrEqual(2);
    const status = await api('ro-police', 'auditor', 'GET', '/api/v1/audit/checkpoints');
    expect(status.body['cosignedBy'].map((c: { peer: string }) => c.peer).sort()).toEqual(
      expect.arrayContaining(['at-labour', 'hu-border']),
    );
    const bundle = await api('ro-police', 'auditor', 'GET', '/api/v1/audit/export');
    const file = join(fed.root, 'ro.bundle.json');
    writeFileSync(file, JSON.stringify(bundle.body));
    const verify = [
      'audit',
      'verify',
      '--bundle',
      file,
      '--trust-list',
      join(fed.fedDir, 'trust-list.jws'),
      '--anchors',
      join(fed.fedDir, 'anchors.json'),
      '--agency',
      'ro-police',
      '--min-cosignatures',
      '2',
    ];
    const ok = await cli(verify);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/^OK: \d+ entries/);

    const tampered = structuredClone(bundle.body);
    // Change one committed event: a query recorded for another purpose than the one it was sent for.
    const entry = tampered['entries'].find((e: { leaf: string }) => e.leaf.includes('"kind":"query-sent"'));
    entry.leaf = entry.leaf.replace('"purpose":"trafficking-investigation"', '"purpose":"victim-protection"');
    writeFileSync(file, JSON.stringify(tampered));
    const bad = await cli(verify);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/FAIL entry \d+/);
  });

  it('reconciles two nodes: everything pairs up, except a response lost in transit', async () => {
    slow = true;
    try {
      const done = await search(['at-labour'], { peerDeadlineMs: 200, deadlineMs: 1000 });
      expect(done.peers[0]!.status).toBe('timeout');
      await new Promise((r) => setTimeout(r, 900)); // at-labour answers (and logs) after ro-police gave up
    } finally {
      slow = false;
    }
    const files: string[] = [];
    for (const id of ['ro-police', 'at-labour']) {
      const b = await api(id, 'auditor', 'GET', '/api/v1/audit/export');
      const f = join(fed.root, `${id}.json`);
      writeFileSync(f, JSON.stringify(b.body));
      files.push(f);
    }
    const r = await cli(['audit', 'reconcile', files[0]!, files[1]!]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^\d+ exchanges agree; 1 issue\(s\)/);
    expect(r.out).toMatch(
      /MISSING \(A\) .*logged response-sent .* has no response-received \(response lost in transit\?\)/,
    );
  });

  it('releases nothing when the ledger cannot be written (audit first) and stays verifiable', async () => {
    let last: { status: number; body: string } | undefined;
    for (let i = 0; i < 400; i++) {
      const { token } = node('ro-police').client.signQuery('nl-fiu', {
        purpose: 'trafficking-investigation',
        legalBasis: 'test',
        caseRef: `FULL-${i}`,
        requester: { id: 'officer-1', role: 'analyst' },
        subject: { kind: 'phone', selectors: { number: '+31 6 12345678' } },
        granularity: 'exists',
      });
      last = await node('ro-police').client.sendRaw('nl-fiu', token);
      if (last.status !== 200) break;
    }
    expect(last!.status).toBe(503);
    expect(JSON.parse(last!.body)).toMatchObject({ code: 'MOSAIC_ERR_AUDIT_UNAVAILABLE' });
    expect(last!.body).not.toContain('decision');
    const verified = await api('nl-fiu', 'auditor', 'GET', '/api/v1/audit/verify');
    expect(verified.body).toMatchObject({ ok: true, failures: [] });
  });

  it('re-hashes a running node’s whole ledger from the CLI, and purges bodies without breaking the tree', async () => {
    const config = join(fed.nodeDirs.get('hu-border')!, 'mosaic.yaml');
    const before = await cli(['audit', 'verify', '--config', config]);
    expect(before.code, before.out).toBe(0);
    const purged = await cli(
      ['audit', 'purge', '--api', node('hu-border').apiUrl, '--before', '2100-01-01'],
      {
        MOSAIC_TOKEN: tokens['hu-border']!['admin']!,
      },
    );
    expect(purged.code, purged.err).toBe(0);
    expect(purged.out).toMatch(/^purged [1-9]\d* event bodies/);
    const after = await api('hu-border', 'auditor', 'GET', '/api/v1/audit/verify');
    expect(after.body).toMatchObject({ ok: true });
    expect(after.body['purgedBodies']).toBeGreaterThan(0);
    const events = await api('hu-border', 'auditor', 'GET', '/api/v1/audit/events?kind=ledger-purged');
    expect(events.body['entries']).toHaveLength(1);
    const denied = await api('hu-border', 'auditor', 'POST', '/api/v1/audit/purge', { before: '2100-01-01' });
    expect([denied.status, denied.body['code']]).toEqual([403, 'MOSAIC_ERR_AUTH_FORBIDDEN']);
  });
});
