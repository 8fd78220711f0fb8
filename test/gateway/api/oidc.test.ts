import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MosaicNode } from '../../../gateway/node/node.js';
import { createFederation, type Federation, startNodes, stopNodes } from '../../e2e/harness.js';

describe('OIDC bearer tokens from the agency identity provider', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  let idp: Server;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  let issuer: string;
  let api: string;

  const token = (
    claims: Record<string, unknown>,
    opts: { aud?: string; exp?: string; key?: typeof keys.privateKey } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
      .setIssuer(issuer)
      .setAudience(opts.aud ?? 'mosaic-ro')
      .setSubject('officer-31')
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? '5m')
      .sign(opts.key ?? keys.privateKey);

  const me = async (bearer: string) => {
    const r = await fetch(`${api}/api/v1/me`, { headers: { authorization: `Bearer ${bearer}` } });
    return { status: r.status, body: (await r.json()) as Record<string, string> };
  };

  beforeAll(async () => {
    keys = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' };
    idp = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', () => r()));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    fed = await createFederation([{ id: 'ro-police', country: 'RO' }]);
    nodes = await startNodes(fed, undefined, (_id, c) => ({
      ...c,
      oidc: {
        issuer,
        audience: 'mosaic-ro',
        jwksUri: `${issuer}/jwks.json`,
        roleClaim: 'groups',
        usernameClaim: 'preferred_username',
        roleMap: { 'mosaic-auditors': 'auditor', 'mosaic-analysts': 'analyst' },
      },
    }));
    api = nodes.get('ro-police')!.apiUrl;
  });

  afterAll(async () => {
    await stopNodes(nodes);
    idp.close();
    fed.cleanup();
  });

  it('maps a verified token to a role and a pseudonym that reveals neither issuer nor subject', async () => {
    const r = await me(await token({ groups: ['staff', 'mosaic-analysts'], preferred_username: 'ana.pop' }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'ana.pop', role: 'analyst' });
    expect(r.body['pseudonym']).toMatch(/^o-[0-9a-f]{16}$/);
    expect(JSON.stringify(r.body)).not.toContain('officer-31');
  });

  it('takes the first mapped role in configuration order', async () => {
    const r = await me(await token({ groups: ['mosaic-analysts', 'mosaic-auditors'] }));
    expect(r.body['role']).toBe('auditor');
  });

  it.each<[string, () => Promise<string>]>([
    ['a token for another audience', () => token({ groups: ['mosaic-analysts'] }, { aud: 'someone-else' })],
    ['an expired token', () => token({ groups: ['mosaic-analysts'] }, { exp: '-10m' })],
    ['a token without a mapped role', () => token({ groups: ['staff'] })],
    [
      'a token signed by another key',
      async () =>
        token({ groups: ['mosaic-analysts'] }, { key: (await generateKeyPair('ES256')).privateKey }),
    ],
    [
      'an unsigned token',
      async () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: issuer, aud: 'mosaic-ro', sub: 'x', groups: ['mosaic-analysts'], exp: 9999999999 })).toString('base64url')}.`,
    ],
  ])('refuses %s', async (_n, make) => {
    const r = await me(await make());
    expect([r.status, r.body['code']]).toEqual([401, 'MOSAIC_ERR_AUTH_INVALID']);
  });
});
