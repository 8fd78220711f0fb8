import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../../contracts/index.js';
import { signCompact } from '../../gateway/jws/compact.js';
import { loadPrivateKey } from '../../gateway/keys/files.js';
import { signingKeyFrom } from '../../gateway/keys/jwk.js';
import { silentLogger } from '../../gateway/log.js';
import { MosaicNode } from '../../gateway/node/node.js';
import type { QueryInput } from '../../gateway/peer/client.js';
import { cliOk, configFor, createFederation, type Federation } from './harness.js';

const QUERY: QueryInput = {
  purpose: 'trafficking-investigation',
  legalBasis: 'test',
  caseRef: 'T-1',
  requester: { id: 'officer-1', role: 'analyst' },
  subject: { kind: 'phone', selectors: { number: '+36 1 234 5678' } },
  granularity: 'exists',
};

type Mode = 'hang' | 'garbage' | 'other-query' | 'wrong-signer' | 'html-error' | 'good';

describe('peer client against misbehaving peers', () => {
  let fed: Federation;
  let ro: MosaicNode;
  let fake: Server;
  let mode: Mode = 'good';

  beforeAll(async () => {
    fed = await createFederation([
      { id: 'ro-police', country: 'RO' },
      { id: 'hu-border', country: 'HU' },
    ]);
    const huDir = fed.nodeDirs.get('hu-border')!;
    const huKey = signingKeyFrom(loadPrivateKey(join(huDir, 'keys/signing.key.pem')));
    const roKey = signingKeyFrom(
      loadPrivateKey(join(fed.nodeDirs.get('ro-police')!, 'keys/signing.key.pem')),
    );
    // A peer holding hu-border's real TLS key (so the pin matches) that answers however the test says.
    fake = createServer(
      {
        key: readFileSync(join(huDir, 'tls/key.pem')),
        cert: readFileSync(join(huDir, 'tls/cert.pem')),
        ca: readFileSync(join(huDir, 'federation/ca.pem')),
        requestCert: true,
        minVersion: 'TLSv1.3',
      },
      (req, res) => {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => {
          if (mode === 'hang') return;
          if (mode === 'garbage')
            return void res.writeHead(200, { 'content-type': 'application/jose' }).end('x.y.z');
          if (mode === 'html-error')
            return void res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>oops</h1>');
          const q = JSON.parse(Buffer.from(body.split('.')[1]!, 'base64url').toString());
          const response = {
            iss: 'hu-border',
            aud: q.iss,
            iat: Math.floor(Date.now() / 1000),
            jti: 'r'.repeat(22),
            queryJti: mode === 'other-query' ? 'o'.repeat(22) : q.jti,
            queryDigest: sha256Digest(body),
            decision: {
              effect: 'deny',
              reasonCode: 'NO_POLICY',
              ruleIds: [],
              granted: null,
              coarsened: false,
            },
            results: [],
            receipt: null,
          };
          const key = mode === 'wrong-signer' ? roKey : huKey;
          res
            .writeHead(200, { 'content-type': 'application/jose' })
            .end(signCompact(response, key, 'mosaic-response+jws'));
        });
      },
    );
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
    ro = await MosaicNode.start(configFor(fed, 'ro-police'), { logger: silentLogger });
    await cliOk([
      'federation',
      'update-member',
      '--dir',
      fed.fedDir,
      '--agency',
      'hu-border',
      '--endpoint',
      `https://127.0.0.1:${(fake.address() as AddressInfo).port}`,
    ]);
    await cliOk(['federation', 'publish', '--dir', fed.fedDir]);
    await ro.reloadTrustList();
  });

  afterAll(async () => {
    await ro.stop();
    fake.closeAllConnections();
    await new Promise((r) => fake.close(r));
    fed.cleanup();
  });

  it('accepts a well-formed, correctly signed answer', async () => {
    mode = 'good';
    const a = await ro.client.query('hu-border', QUERY);
    expect(a.response.decision.reasonCode).toBe('NO_POLICY');
  });

  it.each<[Mode, string]>([
    ['garbage', 'MOSAIC_ERR_PEER_BAD_RESPONSE'],
    ['other-query', 'MOSAIC_ERR_PEER_BAD_RESPONSE'],
    ['wrong-signer', 'MOSAIC_ERR_PEER_BAD_RESPONSE'],
    ['html-error', 'MOSAIC_ERR_PEER_BAD_RESPONSE'],
  ])('refuses a peer that answers with %s', async (m, code) => {
    mode = m;
    await expect(ro.client.query('hu-border', QUERY)).rejects.toMatchObject({ code });
  });

  it('gives up at the deadline when a peer hangs', async () => {
    mode = 'hang';
    const t0 = Date.now();
    await expect(ro.client.query('hu-border', QUERY, AbortSignal.timeout(300))).rejects.toMatchObject({
      code: 'MOSAIC_ERR_PEER_TIMEOUT',
    });
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('reports an unknown agency and an unreachable one with their codes', async () => {
    await expect(ro.client.query('xx-nobody', QUERY)).rejects.toMatchObject({
      code: 'MOSAIC_ERR_TRUST_UNKNOWN_AGENCY',
    });
    await cliOk([
      'federation',
      'update-member',
      '--dir',
      fed.fedDir,
      '--agency',
      'hu-border',
      '--endpoint',
      'https://127.0.0.1:9',
    ]);
    await cliOk(['federation', 'publish', '--dir', fed.fedDir]);
    await ro.reloadTrustList();
    await expect(ro.client.query('hu-border', QUERY)).rejects.toMatchObject({
      code: 'MOSAIC_ERR_PEER_UNREACHABLE',
    });
  });
});

describe('mosaic node start as a real process', () => {
  it('serves, reloads its trust list on SIGHUP and stops cleanly on SIGTERM', async () => {
    const fed = await createFederation([{ id: 'at-labour', country: 'AT' }]);
    try {
      await cliOk(['federation', 'publish', '--dir', fed.fedDir]);
      const dir = fed.nodeDirs.get('at-labour')!;
      const config = join(dir, 'mosaic.yaml');
      const text = readFileSync(config, 'utf8').replace(/port: \d+/g, 'port: 0');
      writeFileSync(config, text);
      const bin = join(import.meta.dirname, '../../dist/gateway/cli/main.js');
      const child = spawn(process.execPath, [bin, 'node', 'start', '--config', config], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const lines = createInterface({ input: child.stdout! });
      const events: Record<string, string>[] = [];
      const next = () =>
        new Promise<Record<string, string>>((r) => lines.once('line', (l) => r(JSON.parse(l))));
      const listening = await next();
      events.push(listening);
      expect(listening).toMatchObject({ event: 'listening', agency: 'at-labour' });
      const ready = await fetch(`${listening['api']}/readyz`);
      expect(ready.status).toBe(200);

      await cliOk(['federation', 'publish', '--dir', fed.fedDir]);
      const stderr = createInterface({ input: child.stderr! });
      const reloaded = new Promise<string>((r) =>
        stderr.on('line', (l) => l.includes('trust list loaded') && l.includes('"version":2') && r(l)),
      );
      child.kill('SIGHUP');
      expect(JSON.parse(await reloaded)).toMatchObject({ msg: 'trust list loaded', version: 2 });

      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const stopped = next();
      child.kill('SIGTERM');
      expect(await stopped).toMatchObject({ event: 'stopped' });
      expect(await exited).toBe(0);
    } finally {
      fed.cleanup();
    }
  });
});
