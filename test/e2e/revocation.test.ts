/**
 * Certificate revocation at run time (issue 10, malicious peer: "a revoked certificate (CRL) reloaded at run
 * time"). Three real nodes on loopback; hu-border answers and checks client certificates against the
 * federation CRL (`tls.crl`, an empty CRL issued at `federation init` to start with). The authority revokes
 * ro-police's certificate (`mosaic federation revoke --out`), hu-border reloads (the SIGHUP path), and:
 *   - new connections from ro-police are refused: 401 MOSAIC_ERR_TLS_UNTRUSTED_CERT (OpenSSL: certificate
 *     revoked), also when the client tries to resume its pre-revocation TLS session;
 *   - the keep-alive connection ro-police opened before the revocation is closed by the reload (OpenSSL
 *     checks a CRL only at the handshake; threat model P24), so its next query is refused too;
 *   - at-labour keeps working, on its pooled connection and on new ones.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MosaicNode } from '../../gateway/node/node.js';
import { PeerRefusedError, type QueryInput } from '../../gateway/peer/client.js';
import { permitEnvelopeOnly } from '../../gateway/peer/ports.js';
import { cliOk, createFederation, type Federation, startNodes, stopNodes } from './harness.js';

const QUERY: QueryInput = {
  purpose: 'trafficking-investigation',
  legalBasis: 'test',
  caseRef: 'REV-1',
  requester: { id: 'officer-1', role: 'analyst' },
  subject: { kind: 'email', selectors: { address: 'recruiter@example.org' } },
  granularity: 'exists',
};

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return err instanceof PeerRefusedError
      ? err.problem.code
      : String((err as { code?: string }).code ?? err);
  }
}

describe('a revoked certificate (CRL) reloaded at run time', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  const node = (id: string) => nodes.get(id)!;
  let huDir: string;
  /** A raw client holding ro-police's certificate whose agent caches TLS sessions across connections. */
  let resumingAgent: Agent;

  /** One request on a new connection of `agent`: the status, the code, and whether the TLS session was resumed. */
  function rawQuery(agent: Agent): Promise<{ status: number; code?: string; reused: boolean }> {
    const token = node('ro-police').client.signQuery('hu-border', QUERY).token;
    return new Promise((resolve, reject) => {
      const req = request(
        `${node('hu-border').peerUrl}/fed/v1/queries`,
        { method: 'POST', agent, headers: { 'content-type': 'application/jose' } },
        (r) => {
          const reused = (r.socket as TLSSocket).isSessionReused();
          let body = '';
          r.on('data', (c) => {
            body += c;
          });
          r.on('end', () =>
            resolve({
              status: r.statusCode!,
              ...(r.statusCode === 200 ? {} : { code: JSON.parse(body).code }),
              reused,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(token);
    });
  }

  beforeAll(async () => {
    fed = await createFederation([
      { id: 'ro-police', country: 'RO' },
      { id: 'hu-border', country: 'HU' },
      { id: 'at-labour', country: 'AT' },
    ]);
    huDir = fed.nodeDirs.get('hu-border')!;
    // The responder checks client certificates against the federation CRL, starting with the empty one.
    copyFileSync(join(fed.fedDir, 'crl.pem'), join(huDir, 'federation', 'crl.pem'));
    const config = join(huDir, 'mosaic.yaml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(
        '  ca: federation/ca.pem\n',
        '  ca: federation/ca.pem\n  crl: federation/crl.pem\n',
      ),
    );
    nodes = await startNodes(fed, (id) =>
      id === 'hu-border' ? { decisions: permitEnvelopeOnly, configPath: config } : {},
    );
    const ro = node('ro-police').identity.tls;
    resumingAgent = new Agent({
      keepAlive: false,
      key: ro.key,
      cert: ro.cert,
      ca: ro.ca,
      checkServerIdentity: () => undefined,
    });
  });

  afterAll(async () => {
    resumingAgent?.destroy();
    await stopNodes(nodes);
    fed.cleanup();
  });

  it('before revocation every member is served (the empty CRL from federation init is in force)', async () => {
    expect(readFileSync(join(huDir, 'federation', 'crl.pem'), 'utf8')).toMatch(/^-----BEGIN X509 CRL-----/);
    // These open the keep-alive connections the next test looks at.
    expect(await refusal(node('ro-police').client.query('hu-border', QUERY))).toBe('accepted');
    expect(await refusal(node('at-labour').client.query('hu-border', QUERY))).toBe('accepted');
    expect(await rawQuery(resumingAgent)).toMatchObject({ status: 200, reused: false });
    // The control: before any reload, a second connection of the same agent resumes its TLS session.
    expect(await rawQuery(resumingAgent)).toMatchObject({ status: 200, reused: true });
  });

  it('after revoke + reload, new connections from the revoked node get 401 MOSAIC_ERR_TLS_UNTRUSTED_CERT; others keep working', async () => {
    const out = await cliOk([
      'federation',
      'revoke',
      '--dir',
      fed.fedDir,
      '--agency',
      'ro-police',
      '--out',
      huDir,
    ]);
    expect(out).toMatch(/revoked ro-police certificate [0-9a-f]+; CRL number 2/);
    const certs = JSON.parse(readFileSync(join(fed.fedDir, 'certificates.json'), 'utf8'));
    expect(certs.revoked.map((r: { agencyId: string }) => r.agencyId)).toEqual(['ro-police']);
    const reload = await node('hu-border').reload();
    expect(reload.identity).toBe('reloaded');

    // The keep-alive connection ro-police opened before the revocation was closed by the reload (OpenSSL
    // checks the CRL only at the handshake, so the node closes connections of revoked serials itself): its
    // next query needs a new handshake, which the CRL refuses.
    expect(await refusal(node('ro-police').client.query('hu-border', QUERY))).toBe(
      'MOSAIC_ERR_TLS_UNTRUSTED_CERT',
    );

    // Resuming the TLS session negotiated before the revocation does not get around it: the reloaded
    // secure context has new session-ticket keys, so the handshake is a full one and the CRL is checked.
    const resumed = await rawQuery(resumingAgent);
    expect(resumed).toMatchObject({ status: 401, code: 'MOSAIC_ERR_TLS_UNTRUSTED_CERT', reused: false });

    // Another member: its pooled connection and a new one both keep working.
    expect(await refusal(node('at-labour').client.query('hu-border', QUERY))).toBe('accepted');
    node('at-labour').client.close();
    expect(await refusal(node('at-labour').client.query('hu-border', QUERY))).toBe('accepted');
  });
});
