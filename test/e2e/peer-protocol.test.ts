import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryClaims } from '../../contracts/index.js';
import { signCompact } from '../../gateway/jws/compact.js';
import { generateSigningKey } from '../../gateway/keys/jwk.js';
import { PeerRefusedError, type QueryInput } from '../../gateway/peer/client.js';
import type { AuditPort, ExchangeRecord, RejectionRecord } from '../../gateway/peer/ports.js';
import { permitEnvelopeOnly } from '../../gateway/peer/ports.js';
import {
  createCertificateAuthority,
  createCsr,
  generateTlsKey,
  issueCertificate,
} from '../../gateway/pki/x509.js';
import type { MosaicNode } from '../../gateway/node/node.js';
import { cliOk, createFederation, type Federation, movableClock, startNodes, stopNodes } from './harness.js';

/** Records what the audit port was asked to record, so each test can prove "nothing else happened". */
function recordingAudit(): AuditPort & { exchanges: ExchangeRecord[]; rejections: RejectionRecord[] } {
  const exchanges: ExchangeRecord[] = [];
  const rejections: RejectionRecord[] = [];
  return {
    exchanges,
    rejections,
    recordExchange: async (e) => {
      exchanges.push(e);
      return null;
    },
    recordRejection: async (r) => {
      rejections.push(r);
    },
  };
}

const QUERY: QueryInput = {
  purpose: 'trafficking-investigation',
  legalBasis: 'Council Framework Decision 2006/960/JHA',
  caseRef: 'RO-2026-0042',
  requester: { id: 'officer-7f3a', role: 'analyst' },
  subject: { kind: 'person', selectors: { fullName: 'Ionut Popescu', birthDate: '1988-03' } },
  granularity: 'exists',
  datasets: ['persons'],
};

describe('signed mTLS peer protocol between three real nodes', () => {
  let fed: Federation;
  let nodes: Map<string, MosaicNode>;
  const clocks = new Map<string, ReturnType<typeof movableClock>>();
  const audits = new Map<string, ReturnType<typeof recordingAudit>>();
  const node = (id: string) => nodes.get(id)!;

  beforeAll(async () => {
    fed = await createFederation([
      { id: 'ro-police', country: 'RO', groups: ['jit-danube'] },
      { id: 'hu-border', country: 'HU', groups: ['jit-danube'] },
      { id: 'at-labour', country: 'AT', alg: 'EdDSA' },
    ]);
    nodes = await startNodes(fed, (id) => {
      const clock = movableClock();
      const audit = recordingAudit();
      clocks.set(id, clock);
      audits.set(id, audit);
      // hu-border permits the envelope so a full round trip can be checked; the others keep deny-by-default.
      return { clock, audit, ...(id === 'hu-border' ? { decisions: permitEnvelopeOnly } : {}) };
    });
  });

  afterAll(async () => {
    await stopNodes(nodes);
    fed.cleanup();
  });

  function resetAudit(id: string) {
    const a = audits.get(id)!;
    a.exchanges.length = 0;
    a.rejections.length = 0;
    return a;
  }

  /** Send raw bytes from `from` (over its own TLS identity) to `to`; return status and problem code. */
  async function sendFrom(from: string, to: string, body: string, contentType?: string) {
    const res = await node(from).client.sendRaw(to, body, contentType ? { contentType } : {});
    const parsed = res.contentType === 'application/problem+json' ? JSON.parse(res.body) : undefined;
    return { status: res.status, code: parsed?.code as string | undefined, body: res.body };
  }

  function claimsFor(from: string, to: string, overrides: Partial<QueryClaims> = {}): QueryClaims {
    return { ...node(from).client.signQuery(to, QUERY).claims, ...overrides };
  }

  it('answers a valid query; the query and the response signatures both verify (also with jose)', async () => {
    const audit = resetAudit('hu-border');
    const answer = await node('ro-police').client.query('hu-border', QUERY);
    expect(answer.response).toMatchObject({
      iss: 'hu-border',
      aud: 'ro-police',
      queryJti: answer.claims.jti,
      decision: { effect: 'permit', granted: 'exists' },
      results: [{ dataset: 'persons', exists: false }],
    });
    expect(audit.exchanges).toHaveLength(1);
    expect(audit.exchanges[0]!.query.claims.jti).toBe(answer.claims.jti);

    // Independent verification with jose, from the public keys in the trust list.
    const trust = node('ro-police').trust.snapshot!.list;
    const jwkOf = (id: string) => trust.members.find((m) => m.agencyId === id)!.jwks.keys[0]!;
    const q = await compactVerify(answer.queryToken, await importJWK(jwkOf('ro-police'), 'ES256'));
    expect(JSON.parse(new TextDecoder().decode(q.payload)).jti).toBe(answer.claims.jti);
    const r = await compactVerify(answer.responseToken, await importJWK(jwkOf('hu-border'), 'ES256'));
    expect(r.protectedHeader.typ).toBe('mosaic-response+jws');
  });

  it('denies by default: a node with no policy answers with a signed denial and releases nothing', async () => {
    const answer = await node('hu-border').client.query('ro-police', QUERY);
    expect(answer.response.decision).toMatchObject({
      effect: 'deny',
      reasonCode: 'NO_POLICY',
      granted: null,
    });
    expect(answer.response.results).toEqual([]);
  });

  it('works with EdDSA-signing members too', async () => {
    const answer = await node('at-labour').client.query('hu-border', QUERY);
    expect(answer.response.decision.effect).toBe('permit');
  });

  it.each([
    ['no client certificate', 'none', 401, 'MOSAIC_ERR_TLS_NO_CLIENT_CERT'],
    ['a certificate from another CA', 'foreign', 401, 'MOSAIC_ERR_TLS_UNTRUSTED_CERT'],
  ])('refuses a TLS client with %s', async (_name, kind, status, code) => {
    const audit = resetAudit('hu-border');
    const target = node('hu-border');
    const token = node('ro-police').client.signQuery('hu-border', QUERY).token;
    let tlsKey: string | undefined;
    let tlsCert: string | undefined;
    if (kind === 'foreign') {
      const caKey = generateTlsKey();
      const caPem = createCertificateAuthority(caKey, 'rogue', new Date());
      const key = generateTlsKey();
      const csr = createCsr(key, { agencyId: 'ro-police', name: 'Rogue', country: 'RO' }, ['127.0.0.1']);
      tlsCert = issueCertificate(caPem, caKey, csr, new Date());
      tlsKey = key.export({ type: 'pkcs8', format: 'pem' }) as string;
    }
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${target.peerUrl}/fed/v1/queries`,
        {
          method: 'POST',
          agent: false,
          ca: readFileSync(join(fed.fedDir, 'ca.pem')),
          checkServerIdentity: () => undefined,
          headers: { 'content-type': 'application/jose' },
          ...(tlsKey ? { key: tlsKey, cert: tlsCert } : {}),
        },
        (r) => {
          let body = '';
          r.on('data', (c) => {
            body += c;
          });
          r.on('end', () => resolve({ status: r.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.end(token);
    });
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body).code).toBe(code);
    expect(audit.exchanges).toEqual([]);
    expect(audit.rejections.map((r) => r.code)).toEqual([code]);
  });

  it('refuses a valid federation certificate whose holder is not a member', async () => {
    // Admitted by the CA but removed from the trust list before publication: a valid chain, no membership.
    const id = 'nl-fiu';
    const extra = await createFederation([]);
    try {
      const dir = join(extra.root, id);
      await cliOk([
        'node',
        'init',
        '--dir',
        dir,
        '--agency',
        id,
        '--country',
        'NL',
        '--endpoint',
        'https://127.0.0.1:1',
      ]);
      await cliOk([
        'federation',
        'admit',
        '--dir',
        fed.fedDir,
        '--request',
        join(dir, 'membership-request.json'),
        '--out',
        dir,
      ]);
      await cliOk(['federation', 'remove-member', '--dir', fed.fedDir, '--agency', id]);
      const cert = readFileSync(join(dir, 'tls/cert.pem'), 'utf8');
      const key = readFileSync(join(dir, 'tls/key.pem'), 'utf8');
      const audit = resetAudit('hu-border');
      const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          `${node('hu-border').peerUrl}/fed/v1/queries`,
          {
            method: 'POST',
            agent: false,
            key,
            cert,
            ca: readFileSync(join(fed.fedDir, 'ca.pem')),
            checkServerIdentity: () => undefined,
            headers: { 'content-type': 'application/jose' },
          },
          (r) => {
            let body = '';
            r.on('data', (c) => {
              body += c;
            });
            r.on('end', () => resolve({ status: r.statusCode!, body }));
          },
        );
        req.on('error', reject);
        req.end('x.y.z');
      });
      expect(status.status).toBe(403);
      expect(JSON.parse(status.body).code).toBe('MOSAIC_ERR_TLS_NOT_A_MEMBER');
      expect(audit.exchanges).toEqual([]);
    } finally {
      extra.cleanup();
    }
  });

  it('refuses a JWS signed with another member key (impersonation)', async () => {
    const audit = resetAudit('hu-border');
    // ro-police's own TLS and claims, but signed with at-labour's key.
    const token = signCompact(
      claimsFor('ro-police', 'hu-border'),
      node('at-labour').signingKey,
      'mosaic-query+jws',
    );
    const r = await sendFrom('ro-police', 'hu-border', token);
    expect([r.status, r.code]).toEqual([401, 'MOSAIC_ERR_JWS_KEY_NOT_OF_ISSUER']);
    // Claiming to be at-labour while signing with ro-police's key fails the same way.
    const claims = { ...claimsFor('ro-police', 'hu-border'), iss: 'at-labour' };
    const token2 = signCompact(claims, node('ro-police').signingKey, 'mosaic-query+jws');
    const r2 = await sendFrom('ro-police', 'hu-border', token2);
    expect([r2.status, r2.code]).toEqual([401, 'MOSAIC_ERR_JWS_KEY_NOT_OF_ISSUER']);
    expect(audit.exchanges).toEqual([]);
  });

  it("refuses a valid JWS sent over another member's TLS connection (certificate binding)", async () => {
    const audit = resetAudit('hu-border');
    const stolen = node('at-labour').client.signQuery('hu-border', QUERY).token;
    const r = await sendFrom('ro-police', 'hu-border', stolen);
    expect([r.status, r.code]).toEqual([401, 'MOSAIC_ERR_QUERY_BINDING_MISMATCH']);
    expect(audit.exchanges).toEqual([]);
    // The thief's failure did not burn the jti: the rightful sender can still use its token.
    const ok = await sendFrom('at-labour', 'hu-border', stolen);
    expect(ok.status).toBe(200);
  });

  it.each<[string, (from: string) => string, number, string]>([
    [
      'wrong aud',
      (from) => node(from).client.signQuery('at-labour', QUERY).token,
      403,
      'MOSAIC_ERR_QUERY_WRONG_AUDIENCE',
    ],
    [
      'expired',
      (from) => {
        const iat = Math.floor(Date.now() / 1000) - 600;
        return signCompact(
          claimsFor(from, 'hu-border', { iat, exp: iat + 60 }),
          node(from).signingKey,
          'mosaic-query+jws',
        );
      },
      401,
      'MOSAIC_ERR_QUERY_EXPIRED',
    ],
    [
      'iat in the future beyond tolerance',
      (from) => {
        const iat = Math.floor(Date.now() / 1000) + 300;
        return signCompact(
          claimsFor(from, 'hu-border', { iat, exp: iat + 60 }),
          node(from).signingKey,
          'mosaic-query+jws',
        );
      },
      401,
      'MOSAIC_ERR_QUERY_NOT_YET_VALID',
    ],
    [
      'a lifetime longer than allowed',
      (from) => {
        const iat = Math.floor(Date.now() / 1000);
        return signCompact(
          claimsFor(from, 'hu-border', { iat, exp: iat + 3600 }),
          node(from).signingKey,
          'mosaic-query+jws',
        );
      },
      400,
      'MOSAIC_ERR_QUERY_LIFETIME_TOO_LONG',
    ],
    [
      'a tampered payload',
      (from) => {
        const [h, p, s] = node(from).client.signQuery('hu-border', QUERY).token.split('.') as [
          string,
          string,
          string,
        ];
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
        claims.granularity = 'record';
        return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
      },
      401,
      'MOSAIC_ERR_JWS_BAD_SIGNATURE',
    ],
    [
      'schema-invalid claims',
      (from) => {
        const { purpose: _p, ...claims } = claimsFor(from, 'hu-border');
        return signCompact({ ...claims, extra: 1 }, node(from).signingKey, 'mosaic-query+jws');
      },
      400,
      'MOSAIC_ERR_QUERY_SCHEMA',
    ],
    [
      'malformed JSON in the payload',
      (from) => {
        const header = Buffer.from(
          JSON.stringify({ alg: 'ES256', kid: node(from).signingKey.kid, typ: 'mosaic-query+jws' }),
        );
        return `${header.toString('base64url')}.${Buffer.from('{"iss":"ro-police",').toString('base64url')}.AAAA`;
      },
      400,
      'MOSAIC_ERR_REQUEST_MALFORMED',
    ],
    ['a body that is not a JWS', () => 'hello', 400, 'MOSAIC_ERR_JWS_MALFORMED'],
    [
      'an unsupported algorithm (alg none)',
      (from) => {
        const header = Buffer.from(
          JSON.stringify({ alg: 'none', kid: node(from).signingKey.kid, typ: 'mosaic-query+jws' }),
        );
        return `${header.toString('base64url')}.${Buffer.from('{}').toString('base64url')}.AAAA`;
      },
      400,
      'MOSAIC_ERR_JWS_UNSUPPORTED_ALG',
    ],
    ['an oversized body', () => 'a'.repeat(70_000), 413, 'MOSAIC_ERR_REQUEST_TOO_LARGE'],
  ])(
    'refuses %s with its own code and records nothing but the refusal',
    async (_name, make, status, code) => {
      const audit = resetAudit('hu-border');
      const r = await sendFrom('ro-police', 'hu-border', make('ro-police'));
      expect([r.status, r.code]).toEqual([status, code]);
      expect(audit.exchanges).toEqual([]);
      expect(audit.rejections.map((x) => x.code)).toEqual([code]);
    },
  );

  it('refuses a wrong content type', async () => {
    const token = node('ro-police').client.signQuery('hu-border', QUERY).token;
    const r = await sendFrom('ro-police', 'hu-border', token, 'application/json');
    expect([r.status, r.code]).toEqual([415, 'MOSAIC_ERR_REQUEST_MEDIA_TYPE']);
  });

  it('refuses a replayed jti', async () => {
    const audit = resetAudit('hu-border');
    const { token } = node('ro-police').client.signQuery('hu-border', QUERY);
    expect((await sendFrom('ro-police', 'hu-border', token)).status).toBe(200);
    const again = await sendFrom('ro-police', 'hu-border', token);
    expect([again.status, again.code]).toEqual([409, 'MOSAIC_ERR_QUERY_REPLAYED']);
    expect(audit.exchanges).toHaveLength(1);
  });

  it('maps peer refusals to PeerRefusedError carrying the peer code', async () => {
    clocks.get('ro-police')!.skew = -600_000;
    try {
      await expect(node('ro-police').client.query('hu-border', QUERY)).rejects.toSatisfy(
        (e) => e instanceof PeerRefusedError && e.problem.code === 'MOSAIC_ERR_QUERY_EXPIRED',
      );
    } finally {
      clocks.get('ro-police')!.skew = 0;
    }
  });

  it('refuses every exchange once the trust list has expired, and says so in /readyz', async () => {
    const clock = clocks.get('hu-border')!;
    clock.skew = 8 * 86_400_000; // published for 7 days
    try {
      const r = await sendFrom(
        'ro-police',
        'hu-border',
        node('ro-police').client.signQuery('hu-border', QUERY).token,
      );
      expect([r.status, r.code]).toEqual([503, 'MOSAIC_ERR_TRUST_LIST_EXPIRED']);
      const ready = await fetch(`${node('hu-border').apiUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { reasons: string[] }).reasons).toContain(
        'MOSAIC_ERR_TRUST_LIST_EXPIRED',
      );
    } finally {
      clock.skew = 0;
    }
  });

  it('refuses a trust-list rollback and keeps the list in force', async () => {
    const path = join(fed.fedDir, 'trust-list.jws');
    const current = readFileSync(path, 'utf8');
    const versionBefore = node('hu-border').trust.snapshot!.list.version;
    await cliOk(['federation', 'publish', '--dir', fed.fedDir]);
    const newer = readFileSync(path, 'utf8');
    await node('hu-border').reloadTrustList();
    expect(node('hu-border').trust.snapshot!.list.version).toBe(versionBefore + 1);
    writeFileSync(path, current); // an attacker (or a stale mirror) serves the old version
    await expect(node('hu-border').reloadTrustList()).rejects.toMatchObject({
      code: 'MOSAIC_ERR_TRUST_LIST_ROLLBACK',
    });
    expect(node('hu-border').trust.snapshot!.list.version).toBe(versionBefore + 1);
    writeFileSync(path, newer);
    for (const n of nodes.values()) await n.reloadTrustList();
  });

  it('accepts a rotated key during the overlap and refuses the old key after it', async () => {
    const oldKey = node('ro-police').signingKey;
    const newKey = generateSigningKey('ES256');
    const jwksFile = join(fed.root, 'ro-police-next.jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [newKey.publicJwk] }));
    await cliOk([
      'federation',
      'update-member',
      '--dir',
      fed.fedDir,
      '--agency',
      'ro-police',
      '--add-jwks',
      jwksFile,
    ]);
    await cliOk(['federation', 'publish', '--dir', fed.fedDir]);
    for (const n of nodes.values()) await n.reloadTrustList();

    const signWith = (key: typeof oldKey) =>
      signCompact(claimsFor('ro-police', 'hu-border'), key, 'mosaic-query+jws');
    expect((await sendFrom('ro-police', 'hu-border', signWith(oldKey))).status).toBe(200);
    expect((await sendFrom('ro-police', 'hu-border', signWith(newKey))).status).toBe(200);

    await cliOk([
      'federation',
      'update-member',
      '--dir',
      fed.fedDir,
      '--agency',
      'ro-police',
      // `=`: a kid may start with '-', which would otherwise read as an option.
      `--drop-key=${oldKey.kid}`,
    ]);
    await cliOk(['federation', 'publish', '--dir', fed.fedDir]);
    for (const n of nodes.values()) await n.reloadTrustList();

    const after = await sendFrom('ro-police', 'hu-border', signWith(oldKey));
    expect([after.status, after.code]).toEqual([401, 'MOSAIC_ERR_JWS_KEY_NOT_OF_ISSUER']);
    expect((await sendFrom('ro-police', 'hu-border', signWith(newKey))).status).toBe(200);
  });

  it('refuses to talk to a peer whose TLS key is not the pinned one', async () => {
    // Re-pin hu-border to a key it does not hold: the client must refuse even with a pooled connection open.
    await node('at-labour').client.query('hu-border', QUERY);
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const fakePin = pinOf(otherKey.export({ type: 'spki', format: 'der' }));
    const members = JSON.parse(readFileSync(join(fed.fedDir, 'members.json'), 'utf8'));
    const hu = members.members.find((m: { agencyId: string }) => m.agencyId === 'hu-border');
    const realPins = hu.tlsPins;
    hu.tlsPins = [fakePin];
    writeFileSync(join(fed.fedDir, 'members.json'), JSON.stringify(members));
    await cliOk(['federation', 'publish', '--dir', fed.fedDir]);
    await node('at-labour').reloadTrustList();
    await expect(node('at-labour').client.query('hu-border', QUERY)).rejects.toMatchObject({
      code: 'MOSAIC_ERR_PEER_PIN_MISMATCH',
    });
    hu.tlsPins = realPins;
    writeFileSync(join(fed.fedDir, 'members.json'), JSON.stringify(members));
    await cliOk(['federation', 'publish', '--dir', fed.fedDir]);
    for (const n of nodes.values()) await n.reloadTrustList();
    expect((await node('at-labour').client.query('hu-border', QUERY)).response.iss).toBe('hu-border');
  });
});

function pinOf(spki: Buffer): string {
  return createHash('sha256').update(spki).digest('base64url');
}
