import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonSelectors } from '../../contracts/index.js';
import type { MosaicNode } from '../../gateway/node/node.js';
import type { QueryInput } from '../../gateway/peer/client.js';
import { createLogger } from '../../gateway/log.js';
import {
  cli,
  cliOk,
  createFederation,
  type Federation,
  startNodes,
  stopNodes,
  provisionPersons,
} from './harness.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'hu-border');

function person(selectors: PersonSelectors, extra: Partial<QueryInput> = {}): QueryInput {
  return {
    purpose: 'trafficking-investigation',
    legalBasis: 'JIT Danube agreement 2025',
    caseRef: 'RO-2026-0042',
    requester: { id: 'officer-7f3a', role: 'analyst' },
    subject: { kind: 'person', selectors },
    granularity: 'summary',
    datasets: ['persons'],
    ...extra,
  };
}

describe('the policy engine and the data connector inside the peer pipeline', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  let policyDir: string;
  const node = (id: string) => nodes.get(id)!;

  beforeAll(async () => {
    fed = await createFederation([
      { id: 'ro-police', country: 'RO', groups: ['jit-danube'] },
      { id: 'hu-border', country: 'HU', groups: ['jit-danube'] },
      { id: 'at-labour', country: 'AT' },
    ]);
    policyDir = join(fed.nodeDirs.get('hu-border')!, 'policies');
    const imported = await provisionPersons(fed, 'hu-border', FIXTURES);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toContain('4 rows, 4 inserted');
    nodes = await startNodes(fed, (id) =>
      process.env['DEBUG_NODE'] === id ? { logger: createLogger({ level: 'debug' }) } : {},
    );
  });

  afterAll(async () => {
    await stopNodes(nodes);
    fed.cleanup();
  });

  it('finds a person under another spelling and releases a masked summary with evidence to a JIT partner', async () => {
    const a = await node('ro-police').client.query(
      'hu-border',
      person({ fullName: 'Ionut Popesku', birthDate: '1988-03-14' }),
    );
    const [persons] = a.response.results;
    expect(persons!.decision).toMatchObject({
      effect: 'permit',
      reasonCode: 'PERMITTED',
      granted: 'summary',
      ruleIds: [],
    });
    expect(persons!.hits).toHaveLength(1);
    const hit = persons!.hits![0]!;
    expect(hit.fields).toEqual({
      givenName: 'Ionuț',
      familyName: 'Popescu',
      birthDate: '1988',
      phone: '***19',
    });
    expect(hit.ref).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(hit.ref).not.toContain('HU-P-1');
    expect(hit.evidence!.map((e) => e['field'])).toEqual(expect.arrayContaining(['given', 'family', 'dob']));
    expect(JSON.stringify(hit.evidence)).not.toContain('Popescu');
    expect(a.response.decision.policyDigest).toMatch(/^sha256:/);
  });

  it('matches across scripts: Cyrillic finds the Latin record', async () => {
    const a = await node('ro-police').client.query(
      'hu-border',
      person({ fullName: 'Йонуц Попеску', birthDate: '1988' }),
    );
    expect(a.response.results[0]!.hits!.map((h) => h.fields!['familyName'])).toContain('Popescu');
  });

  it('answers a non-member of the team more coarsely than asked, and says so', async () => {
    const a = await node('at-labour').client.query(
      'hu-border',
      person({ fullName: 'Ionut Popescu', birthDate: '1988-03-14' }),
    );
    expect(a.response.results[0]).toMatchObject({
      decision: { effect: 'permit', reasonCode: 'PERMITTED_COARSENED', granted: 'exists', coarsened: true },
      exists: true,
    });
    expect(a.response.results[0]!.hits).toBeUndefined();
  });

  it('denies a prohibited purpose with the reason code and no rule ids', async () => {
    const a = await node('ro-police').client.query(
      'hu-border',
      person({ fullName: 'Ionut Popescu' }, { purpose: 'financial-intelligence' }),
    );
    expect(a.response.decision).toMatchObject({ effect: 'deny', reasonCode: 'PROHIBITED', ruleIds: [] });
    expect(a.response.results[0]).not.toHaveProperty('hits');
  });

  it('withholds a victim record entirely (not even exists), except for victim protection', async () => {
    const q = { fullName: 'Maria Ionescu', birthDate: '1999-07-02' };
    const inv = await node('at-labour').client.query('hu-border', person(q));
    expect(inv.response.results[0]).toMatchObject({ exists: false });
    const prot = await node('ro-police').client.query(
      'hu-border',
      person(q, { purpose: 'victim-protection' }),
    );
    expect(prot.response.results[0]!.hits!.map((h) => h.fields!['givenName'])).toEqual(['Maria']);
  });

  it('falls back to the next permission once the daily quota is used up', async () => {
    const grants: (string | null)[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await node('ro-police').client.query('hu-border', person({ fullName: 'Elena Popa' }));
      grants.push(a.response.results[0]!.decision.granted);
    }
    // Four summaries were used above and here in total; after that only hit/no-hit remains.
    expect(grants.at(-1)).toBe('exists');
    expect(grants).toContain('summary');
  });

  it('refuses an invalid bundle on reload, keeps the active one, and says so in /readyz', async () => {
    const file = join(policyDir, 'broken.yaml');
    writeFileSync(
      file,
      'rules:\n  - id: x\n    effect: permit\n    when: { purpose: [typo] }\n    grant: { maxGranularity: exists }\n',
    );
    try {
      const r = await node('hu-border').reload();
      expect(r.policies).toBe('refused');
      const ready = (await (await fetch(`${node('hu-border').apiUrl}/readyz`)).json()) as {
        reasons: string[];
      };
      expect(ready.reasons).toContain('policy bundle refused: MOSAIC_ERR_POLICY_INVALID');
      const a = await node('at-labour').client.query('hu-border', person({ fullName: 'Gabor Kovacs' }));
      expect(a.response.results[0]!.decision.effect).toBe('permit');
    } finally {
      rmSync(file);
      expect((await node('hu-border').reload()).policies).toBe('unchanged');
    }
  });

  it('screens a list against the dataset with the same matching (mosaic screen)', async () => {
    const config = join(fed.nodeDirs.get('hu-border')!, 'mosaic.yaml');
    const output = join(fed.root, 'matches.csv');
    const r = await cliOk([
      'screen',
      '--config',
      config,
      '--dataset',
      'persons',
      '--input',
      join(FIXTURES, 'screen-list.csv'),
      '--mapping',
      join(FIXTURES, 'screen-list.mapping.yaml'),
      '--output',
      output,
    ]);
    expect(r).toMatch(/^2 rows screened, 1 with a match/);
    const csv = readFileSync(output, 'utf8').trim().split('\n');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain('HU-P-3');
    expect(csv[1]).toContain('W-1');
  });

  it('runs policy check, test and explain against the node (CLI)', async () => {
    const config = join(fed.nodeDirs.get('hu-border')!, 'mosaic.yaml');
    const check = await cliOk(['policy', 'check', policyDir, '--config', config]);
    expect(check).toMatch(/bundle 2026\.11\.29: 5 rules, digest sha256:[0-9a-f]{64}/);
    const explain = await cliOk([
      'policy',
      'explain',
      policyDir,
      '--config',
      config,
      '--peer',
      'at-labour',
      '--purpose',
      'trafficking-investigation',
      '--subject',
      'person',
    ]);
    expect(explain).toContain('members-hit-no-hit');
    const test = await cli(['policy', 'test', policyDir, '--config', config]);
    expect([test.code, test.err]).toEqual([1, expect.stringContaining('MOSAIC_ERR_POLICY_TESTS_EMPTY')]);
  });

  describe('step-2 disclosure', () => {
    let analyst: string;
    let officer: string;
    const api = async (id: string, method: string, path: string, token: string, body?: unknown) => {
      const res = await fetch(`${node(id).apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };

    beforeAll(() => {
      analyst = node('ro-police').users.add('ana', 'analyst', new Date()).token;
      officer = node('hu-border').users.add('dora', 'disclosure-officer', new Date()).token;
    });

    async function hitRef(name: string, caseRef: string): Promise<string> {
      // From a search of the case itself: the requesting node accepts no other reference (issue 15, finding 8).
      // Summary under the MLA basis (the JIT quota may be spent above: the MLA permission still answers).
      const started = await api('ro-police', 'POST', '/api/v1/searches', analyst, {
        subject: { kind: 'person', selectors: { fullName: name } },
        purpose: 'trafficking-investigation',
        legalBasis: 'MLA request 2026',
        caseRef,
        granularity: 'summary',
        targets: { agencies: ['hu-border'] },
      });
      expect(started.status).toBe(202);
      const done = await node('ro-police').searches.settle(started.body['id']);
      expect(done.peers[0]!.status).toBe('hit');
      return done.peers[0]!.results![0]!.hits![0]!.ref;
    }

    it('queues a record request for the owner officer, who approves; the requester receives the signed record', async () => {
      const ref = await hitRef('Gabor Kovacs', 'RO-2026-0099');
      const asked = await api('ro-police', 'POST', '/api/v1/disclosures', analyst, {
        peer: 'hu-border',
        ref,
        caseRef: 'RO-2026-0099',
        purpose: 'trafficking-investigation',
        legalBasis: 'MLA request 2026',
        justification: 'Suspected recruiter; identity needed for the arrest warrant.',
        urgency: 'urgent',
      });
      expect(asked.status).toBe(201);
      expect(asked.body).toMatchObject({ status: 'queued', reasonCode: 'APPROVAL_REQUIRED' });
      expect(asked.body['record']).toBeUndefined();

      const inbox = await api('hu-border', 'GET', '/api/v1/disclosures/inbox', officer);
      const item = inbox.body['items'].find((i: { peer: string }) => i.peer === 'ro-police');
      expect(item).toMatchObject({
        urgency: 'urgent',
        justification: 'Suspected recruiter; identity needed for the arrest warrant.',
        overdue: false,
        advice: {
          ruleIds: expect.arrayContaining(['jit-record-with-approval']),
          handlingCode: 'HU-H3',
          retentionDays: 180,
        },
        releasedFields: expect.arrayContaining(['documentNumber']),
      });
      const hoursLeft = (Date.parse(item.deadline) - Date.now()) / 3_600_000;
      expect(hoursLeft).toBeGreaterThan(3.9);
      expect(hoursLeft).toBeLessThanOrEqual(4);

      const approved = await api(
        'hu-border',
        'POST',
        `/api/v1/disclosures/inbox/${item.id}/approve`,
        officer,
        { note: 'MLA 2026/17 verified' },
      );
      expect(approved.body).toMatchObject({ status: 'approved', reasonCode: 'APPROVED_BY_OFFICER' });
      const again = await api(
        'hu-border',
        'POST',
        `/api/v1/disclosures/inbox/${item.id}/approve`,
        officer,
        {},
      );
      expect([again.status, again.body['code']]).toEqual([409, 'MOSAIC_ERR_DISCLOSURE_DECIDED']);

      const got = await api('ro-police', 'GET', `/api/v1/disclosures/${asked.body['id']}`, analyst);
      expect(got.body).toMatchObject({
        status: 'approved',
        handlingCode: 'HU-H3',
        retentionDays: 180,
        record: {
          dataset: 'persons',
          kind: 'person',
          fields: { givenName: 'Gábor', familyName: 'Kovács', documentNumber: 'EF 111222' },
        },
      });
      // The signed reply verifies with the owner's key from the trust list: the requester's evidence.
      const payload = node('ro-police').client.verifyFromPeer(
        'hu-border',
        got.body['signedReply'],
        'mosaic-record+jws',
      );
      expect(payload['record']).toEqual(got.body['record']);
      const delivered = await api('hu-border', 'GET', '/api/v1/disclosures/inbox?status=approved', officer);
      expect(delivered.body['items'].find((i: { id: string }) => i.id === item.id).delivered).toBe(true);
    });

    it('shows a refusal and the officer reason to the requester', async () => {
      const ref = await hitRef('Elena Popa', 'RO-2026-0100');
      const asked = await api('ro-police', 'POST', '/api/v1/disclosures', analyst, {
        peer: 'hu-border',
        ref,
        caseRef: 'RO-2026-0100',
        purpose: 'trafficking-investigation',
        legalBasis: 'MLA request 2026',
        justification: 'Possible witness in case 0100.',
      });
      const inbox = await api('hu-border', 'GET', '/api/v1/disclosures/inbox', officer);
      const item = inbox.body['items'].find((i: { caseRef: string }) => i.caseRef === 'RO-2026-0100');
      expect(item.urgency).toBe('standard');
      const refused = await api(
        'hu-border',
        'POST',
        `/api/v1/disclosures/inbox/${item.id}/refuse`,
        officer,
        {},
      );
      expect([refused.status, refused.body['code']]).toEqual([400, 'MOSAIC_ERR_API_VALIDATION']);
      await api('hu-border', 'POST', `/api/v1/disclosures/inbox/${item.id}/refuse`, officer, {
        reason: 'Witness protection order in force.',
      });
      const got = await api('ro-police', 'GET', `/api/v1/disclosures/${asked.body['id']}`, analyst);
      expect(got.body).toMatchObject({
        status: 'refused',
        reasonCode: 'REFUSED_BY_OFFICER',
        note: 'Witness protection order in force.',
      });
      expect(got.body['record']).toBeUndefined();
    });

    it('refuses at once when the legal basis does not allow a record, and never honours a reference given to another agency', async () => {
      const ref = await hitRef('Ionut Popescu', 'RO-2026-0101');
      const asked = await api('ro-police', 'POST', '/api/v1/disclosures', analyst, {
        peer: 'hu-border',
        ref,
        caseRef: 'RO-2026-0101',
        purpose: 'trafficking-investigation',
        legalBasis: 'JIT Danube agreement 2025',
        justification: 'Would like the whole record.',
      });
      expect(asked.body).toMatchObject({ status: 'refused', reasonCode: 'RECORD_NOT_RELEASABLE' });
      // at-labour presents ro-police's reference: it was never given to at-labour.
      const stolen = node('at-labour').client.signRequest(
        'hu-border',
        {
          ref,
          caseRef: 'X-1',
          purpose: 'trafficking-investigation',
          legalBasis: 'MLA request 2026',
          justification: 'Trying a stolen ref.',
          urgency: 'urgent',
          requester: { id: 'officer-9', role: 'analyst' },
        },
        'mosaic-disclosure+jws',
      );
      const r = await node('at-labour').client.postSigned('hu-border', '/fed/v1/disclosures', stolen.token);
      expect([r.status, JSON.parse(r.body).code]).toEqual([404, 'MOSAIC_ERR_DISCLOSURE_UNKNOWN_REF']);
    });

    it('keeps each role to its side', async () => {
      const inbox = await api('ro-police', 'GET', '/api/v1/disclosures/inbox', analyst);
      expect([inbox.status, inbox.body['code']]).toEqual([403, 'MOSAIC_ERR_AUTH_FORBIDDEN']);
      const ask = await api('hu-border', 'POST', '/api/v1/disclosures', officer, {});
      expect([ask.status, ask.body['code']]).toEqual([403, 'MOSAIC_ERR_AUTH_FORBIDDEN']);
    });
  });
});
