import { generateKeyPairSync } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MosaicNode } from '../../gateway/node/node.js';
import { cli, cliOk, createFederation, type Federation, startNodes, stopNodes } from './harness.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'hu-border');

describe('a node that accepts only policy bundles signed by its policy officer', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  let policyDir: string;
  let officerKey: string;

  beforeAll(async () => {
    fed = await createFederation([{ id: 'hu-border', country: 'HU', groups: ['jit-danube'] }]);
    const dir = fed.nodeDirs.get('hu-border')!;
    policyDir = join(dir, 'policies');
    cpSync(join(FIXTURES, 'policies'), policyDir, { recursive: true });
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    officerKey = join(fed.root, 'officer.key.pem');
    writeFileSync(officerKey, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    writeFileSync(
      join(dir, 'keys/policy-officer.jwk.json'),
      JSON.stringify(publicKey.export({ format: 'jwk' })),
    );
    const config = join(dir, 'mosaic.yaml');
    writeFileSync(
      config,
      `${readFileSync(config, 'utf8')}data: { path: data/records.db }\npolicies: { dir: policies, requireSignedBy: keys/policy-officer.jwk.json }\n`,
    );
    await cliOk([
      'import',
      join(FIXTURES, 'persons.csv'),
      '--config',
      config,
      '--dataset',
      'persons',
      '--mapping',
      join(FIXTURES, 'persons.mapping.yaml'),
    ]);
    nodes = await startNodes(fed);
  });

  afterAll(async () => {
    await stopNodes(nodes);
    fed.cleanup();
  });

  it('refuses the unsigned bundle, loads it once signed, and refuses it again when edited after signing', async () => {
    const node = nodes.get('hu-border')!;
    expect(node.policies!.current()).toBeUndefined();
    expect(node.readiness().reasons).toEqual(
      expect.arrayContaining([
        'MOSAIC_ERR_POLICY_NOT_LOADED',
        'policy bundle refused: MOSAIC_ERR_POLICY_SIGNATURE_MISSING',
      ]),
    );

    const signed = await cliOk(['policy', 'sign', policyDir, '--key', officerKey]);
    expect(signed).toMatch(/^signed bundle 2026\.11\.29 \(sha256:[0-9a-f]{64}\) with key [A-Za-z0-9_-]{43}/);
    expect((await node.reload()).policies).toBe('loaded');
    expect(node.readiness()).toEqual({ ready: true, reasons: [] });

    // An edit after signing changes the digest: the signature no longer covers it, and the old bundle stays.
    const file = join(policyDir, 'sharing.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('maxGranularity: exists', 'maxGranularity: count'),
    );
    expect((await node.reload()).policies).toBe('refused');
    expect(node.readiness().reasons).toContain('policy bundle refused: MOSAIC_ERR_POLICY_BAD_SIGNATURE');
    expect(node.policies!.current()).toBeDefined();

    const wrongKey = join(fed.root, 'other.key.pem');
    writeFileSync(
      wrongKey,
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
        type: 'pkcs8',
        format: 'pem',
      }) as string,
    );
    await cliOk(['policy', 'sign', policyDir, '--key', wrongKey]);
    expect((await node.reload()).policies).toBe('refused');
    const bad = await cli(['policy', 'sign', policyDir, '--key', '/nonexistent.pem']);
    expect([bad.code, bad.err]).toEqual([1, expect.stringContaining('MOSAIC_ERR_CONFIG_NOT_FOUND')]);
  });
});
