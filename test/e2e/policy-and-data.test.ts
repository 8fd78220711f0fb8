import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonSelectors } from '../../contracts/index.js';
import type { MosaicNode } from '../../gateway/node/node.js';
import type { QueryInput } from '../../gateway/peer/client.js';
import { cli, cliOk, createFederation, type Federation, startNodes, stopNodes } from './harness.js';

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
    const huDir = fed.nodeDirs.get('hu-border')!;
    policyDir = join(huDir, 'policies');
    cpSync(join(FIXTURES, 'policies'), policyDir, { recursive: true });
    const config = join(huDir, 'mosaic.yaml');
    writeFileSync(
      config,
      `${readFileSync(config, 'utf8')}data: { path: data/records.db }\npolicies: { dir: policies }\n`,
    );
    const imported = await cli([
      'import',
      join(FIXTURES, 'persons.csv'),
      '--config',
      config,
      '--dataset',
      'persons',
      '--mapping',
      join(FIXTURES, 'persons.mapping.yaml'),
    ]);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toContain('4 rows, 4 inserted');
    nodes = await startNodes(fed);
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
    expect(hit.ref).toMatch(/^[A-Za-z0-9_-]{24}$/);
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

  it('runs policy check, test and explain against the node (CLI)', async () => {
    const config = join(fed.nodeDirs.get('hu-border')!, 'mosaic.yaml');
    const check = await cliOk(['policy', 'check', policyDir, '--config', config]);
    expect(check).toMatch(/bundle 2026\.11\.29: 4 rules, digest sha256:[0-9a-f]{64}/);
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
});
