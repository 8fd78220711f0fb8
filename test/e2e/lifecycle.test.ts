import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MosaicNode } from '../../gateway/node/node.js';
import type { QueryInput } from '../../gateway/peer/client.js';
import { type DecisionPort, permitEnvelopeOnly } from '../../gateway/peer/ports.js';
import {
  cli,
  cliOk,
  createFederation,
  type Federation,
  movableClock,
  startNodes,
  stopNodes,
} from './harness.js';

const QUERY: QueryInput = {
  purpose: 'trafficking-investigation',
  legalBasis: 'test',
  caseRef: 'L-1',
  requester: { id: 'officer-1', role: 'analyst' },
  subject: { kind: 'email', selectors: { address: 'recruiter@example.org' } },
  granularity: 'exists',
};

let slowMs = 0;
const huClock = movableClock();
const maybeSlow: DecisionPort = {
  decide: async (q) => {
    if (slowMs > 0) await new Promise((r) => setTimeout(r, slowMs));
    return permitEnvelopeOnly.decide(q);
  },
};

describe('node lifecycle: reload, key rotation, graceful stop', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  const a = () => nodes.get('ro-police')!;
  const b = () => nodes.get('hu-border')!;

  beforeAll(async () => {
    fed = await createFederation([
      { id: 'ro-police', country: 'RO' },
      { id: 'hu-border', country: 'HU' },
    ]);
    nodes = await startNodes(fed, (id) =>
      id === 'hu-border'
        ? { decisions: maybeSlow, clock: huClock, configPath: join(fed.nodeDirs.get(id)!, 'mosaic.yaml') }
        : {},
    );
  });

  afterAll(async () => {
    await stopNodes(nodes);
    fed.cleanup();
  });

  /** Send queries back to back until stopped; count failures and remember which keys signed them. */
  function background() {
    let running = true;
    const failures: string[] = [];
    const kids = new Set<string>();
    const loop = (async () => {
      while (running) {
        try {
          const answer = await a().client.query('hu-border', QUERY);
          kids.add(JSON.parse(Buffer.from(answer.queryToken.split('.')[0]!, 'base64url').toString()).kid);
        } catch (err) {
          failures.push(String((err as { code?: string }).code ?? err));
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    return {
      failures,
      kids,
      stop: async () => {
        running = false;
        await loop;
      },
    };
  }

  it('keeps exchanges succeeding across a signing-key rotation with overlap', async () => {
    const traffic = background();
    const config = join(fed.nodeDirs.get('ro-police')!, 'mosaic.yaml');
    const oldKid = a().signingKey.kid;
    await cliOk(['keys', 'rotate', '--config', config]);
    const nextJwks = join(fed.nodeDirs.get('ro-police')!, 'keys/signing.next.jwks.json');
    const newKid = JSON.parse(readFileSync(nextJwks, 'utf8')).keys[0].kid as string;

    // Activating before the trust list publishes the key is refused: peers would reject its signatures.
    const early = await cli(['keys', 'activate', '--config', config]);
    expect([early.code, early.err]).toEqual([1, expect.stringContaining('does not publish key')]);

    await cliOk([
      'federation',
      'update-member',
      '--dir',
      fed.fedDir,
      '--agency',
      'ro-police',
      '--add-jwks',
      nextJwks,
    ]);
    await cliOk(['federation', 'publish', '--dir', fed.fedDir]);
    for (const n of nodes.values()) await n.reloadTrustList();
    await cliOk(['keys', 'activate', '--config', config]);
    expect(await a().reload()).toMatchObject({ identity: 'reloaded' });
    expect(a().signingKey.kid).toBe(newKid);

    await cliOk([
      'federation',
      'update-member',
      '--dir',
      fed.fedDir,
      '--agency',
      'ro-police',
      // `=`: a kid may start with '-', which would otherwise read as an option.
      `--drop-key=${oldKid}`,
    ]);
    await cliOk(['federation', 'publish', '--dir', fed.fedDir]);
    for (const n of nodes.values()) await n.reloadTrustList();
    await new Promise((r) => setTimeout(r, 100));
    await traffic.stop();
    expect(traffic.failures).toEqual([]);
    expect([...traffic.kids].sort()).toEqual([oldKid, newKid].sort());
  });

  it('refuses a broken certificate on reload and keeps serving with the old one', async () => {
    const certPath = join(fed.nodeDirs.get('hu-border')!, 'tls/cert.pem');
    copyFileSync(certPath, `${certPath}.bak`);
    writeFileSync(certPath, '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
    try {
      const r = await b().reload();
      expect(r.identity).toBe('MOSAIC_ERR_KEY_INVALID');
      const answer = await a().client.query('hu-border', QUERY);
      expect(answer.response.iss).toBe('hu-border');
    } finally {
      copyFileSync(`${certPath}.bak`, certPath);
    }
  });

  it('re-reads its configuration on reload, and refuses a broken one without changing anything', async () => {
    const path = join(fed.nodeDirs.get('hu-border')!, 'mosaic.yaml');
    const good = readFileSync(path, 'utf8');
    writeFileSync(path, good.replace('clockToleranceSeconds: 30', 'clockToleranceSeconds: "soon"'));
    try {
      const r = await b().reload();
      expect(r).toEqual({
        config: 'MOSAIC_ERR_CONFIG_INVALID',
        identity: 'unchanged',
        trustList: 'unchanged',
        policies: 'unchanged',
      });
      expect((await a().client.query('hu-border', QUERY)).response.iss).toBe('hu-border');
    } finally {
      writeFileSync(path, good);
    }
    expect(await b().reload()).toMatchObject({ config: 'reloaded', identity: 'reloaded' });
    expect((await a().client.query('hu-border', QUERY)).response.iss).toBe('hu-border');
  });

  it('checks every peer (mosaic peers check) and flags clock skew beyond tolerance', async () => {
    const config = join(fed.nodeDirs.get('ro-police')!, 'mosaic.yaml');
    const ok = await cli(['peers', 'check', '--config', config]);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/^hu-border\s+ok\s+\d+ ms\s+skew -?[01]s\s+cert 36[45]d\s+trust v\d+/m);
    huClock.skew = 120_000;
    try {
      const skewed = await cli(['peers', 'check', '--config', config]);
      expect(skewed.code).toBe(1);
      expect(skewed.out).toMatch(/hu-border\s+ok .*skew 1(19|20|21)s.*CLOCK SKEW/);
    } finally {
      huClock.skew = 0;
    }
    const st = await cli(['status', '--config', config]);
    expect(st.out).toMatch(/signing key\s+[A-Za-z0-9_-]{43} \(ES256\)/);
    expect(st.out).toMatch(/trust list\s+version \d+, 2 members/);
  });

  it('drains an in-flight exchange on stop and refuses new ones', async () => {
    slowMs = 400;
    const inFlight = a().client.query('hu-border', QUERY);
    await new Promise((r) => setTimeout(r, 100));
    const stopping = b().stop();
    const answer = await inFlight;
    expect(answer.response.decision.effect).toBe('permit');
    await stopping;
    await expect(a().client.query('hu-border', QUERY)).rejects.toMatchObject({
      code: 'MOSAIC_ERR_PEER_UNREACHABLE',
    });
    nodes.delete('hu-border');
    slowMs = 0;
  });
});
