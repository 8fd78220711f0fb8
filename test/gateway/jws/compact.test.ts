import { CompactSign, compactVerify, exportJWK, generateKeyPair, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { decodeCompact, signCompact, verifySignature } from '../../../gateway/jws/compact.js';
import { generateSigningKey, importPublicJwk, jwkThumbprint } from '../../../gateway/keys/jwk.js';

describe('compact JWS profile', () => {
  it.each(['ES256', 'EdDSA'] as const)(
    '%s tokens verify with jose, and jose tokens verify here',
    async (alg) => {
      const key = generateSigningKey(alg);
      const ours = signCompact({ hello: 'world' }, key, 'mosaic-query+jws');
      const verified = await compactVerify(ours, await importJWK(key.publicJwk, alg));
      expect(verified.protectedHeader).toEqual({ alg, kid: key.kid, typ: 'mosaic-query+jws' });

      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
      const jwk = await exportJWK(publicKey);
      const kid = jwkThumbprint(jwk as { kty: string });
      const theirs = await new CompactSign(new TextEncoder().encode(JSON.stringify({ a: 1 })))
        .setProtectedHeader({ alg, kid, typ: 'mosaic-query+jws' })
        .sign(privateKey);
      const decoded = decodeCompact(theirs, 'mosaic-query+jws');
      expect(() =>
        verifySignature(decoded, importPublicJwk({ ...(jwk as object), kid } as never)),
      ).not.toThrow();
      expect(decoded.payload).toEqual({ a: 1 });
    },
  );

  it('computes RFC 7638 thumbprints (RFC 7638 §3.1 example key)', () => {
    // The RSA example of §3.1 does not apply to our key types; use RFC 8037 §A.3's Ed25519 thumbprint vector.
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
    expect(jwkThumbprint(jwk)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  const key = generateSigningKey('ES256');
  const good = signCompact({ a: 1 }, key, 'mosaic-query+jws');
  const [h, p, s] = good.split('.') as [string, string, string];
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

  it.each([
    ['two parts', `${h}.${p}`, 'MOSAIC_ERR_JWS_MALFORMED'],
    ['four parts', `${good}.x`, 'MOSAIC_ERR_JWS_MALFORMED'],
    ['non-base64url characters', `${h}.${p}+.${s}`, 'MOSAIC_ERR_JWS_MALFORMED'],
    ['an empty signature', `${h}.${p}.`, 'MOSAIC_ERR_JWS_MALFORMED'],
    [
      'alg none',
      `${b64({ alg: 'none', kid: key.kid, typ: 'mosaic-query+jws' })}.${p}.${s}`,
      'MOSAIC_ERR_JWS_UNSUPPORTED_ALG',
    ],
    [
      'alg HS256',
      `${b64({ alg: 'HS256', kid: key.kid, typ: 'mosaic-query+jws' })}.${p}.${s}`,
      'MOSAIC_ERR_JWS_UNSUPPORTED_ALG',
    ],
    [
      'a crit header',
      `${b64({ alg: 'ES256', kid: key.kid, typ: 'mosaic-query+jws', crit: ['b64'] })}.${p}.${s}`,
      'MOSAIC_ERR_JWS_UNSUPPORTED_ALG',
    ],
    [
      'an embedded jwk',
      `${b64({ alg: 'ES256', kid: key.kid, typ: 'mosaic-query+jws', jwk: {} })}.${p}.${s}`,
      'MOSAIC_ERR_JWS_UNSUPPORTED_ALG',
    ],
    [
      'a __proto__ header key',
      `${Buffer.from(`{"alg":"ES256","kid":"${key.kid}","typ":"mosaic-query+jws","__proto__":{"x":1}}`).toString('base64url')}.${p}.${s}`,
      'MOSAIC_ERR_JWS_UNSUPPORTED_ALG',
    ],
    [
      'another typ (a response passed as a query)',
      `${b64({ alg: 'ES256', kid: key.kid, typ: 'mosaic-response+jws' })}.${p}.${s}`,
      'MOSAIC_ERR_JWS_UNSUPPORTED_ALG',
    ],
    [
      'no kid',
      `${b64({ alg: 'ES256', typ: 'mosaic-query+jws' })}.${p}.${s}`,
      'MOSAIC_ERR_JWS_UNSUPPORTED_ALG',
    ],
    ['a payload that is an array', `${h}.${b64([1])}.${s}`, 'MOSAIC_ERR_JWS_MALFORMED'],
    [
      'a payload that is not JSON',
      `${h}.${Buffer.from('{').toString('base64url')}.${s}`,
      'MOSAIC_ERR_REQUEST_MALFORMED',
    ],
    [
      'invalid UTF-8 in the payload',
      `${h}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.${s}`,
      'MOSAIC_ERR_REQUEST_MALFORMED',
    ],
  ])('rejects %s', (_name, token, code) => {
    expect(() => decodeCompact(token, 'mosaic-query+jws')).toThrow(expect.objectContaining({ code }));
  });

  it.each([
    [
      'a flipped signature bit',
      `${h}.${p}.${Buffer.from(Buffer.from(s, 'base64url').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64url')}`,
    ],
    ['a truncated signature', `${h}.${p}.${s.slice(0, 40)}`],
    [
      'a DER-encoded ECDSA signature',
      `${h}.${p}.${Buffer.concat([Buffer.from([0x30, 0x44]), Buffer.from(s, 'base64url')]).toString('base64url')}`,
    ],
    ['a signature by another key', signCompact({ a: 1 }, generateSigningKey('ES256'), 'mosaic-query+jws')],
  ])('rejects %s as a bad signature', (_name, token) => {
    const decoded = decodeCompact(token, 'mosaic-query+jws');
    expect(() => verifySignature(decoded, importPublicJwk(key.publicJwk))).toThrow(
      expect.objectContaining({ code: 'MOSAIC_ERR_JWS_BAD_SIGNATURE' }),
    );
  });

  it('refuses an Ed25519 key for an ES256 token (no algorithm confusion)', () => {
    const ed = generateSigningKey('EdDSA');
    expect(() =>
      verifySignature(decodeCompact(good, 'mosaic-query+jws'), importPublicJwk(ed.publicJwk)),
    ).toThrow(expect.objectContaining({ code: 'MOSAIC_ERR_JWS_BAD_SIGNATURE' }));
  });
});
