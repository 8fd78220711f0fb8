import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import type { PublicJwk } from '../../contracts/index.js';

export type JwsAlg = 'ES256' | 'EdDSA';

/** A signing key ready for use: the private KeyObject, its algorithm, and its RFC 7638 `kid`. */
export interface SigningKey {
  readonly alg: JwsAlg;
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: PublicJwk;
}

/** RFC 7638 §3.2: hash of the required members only, in lexicographic order, no whitespace. */
export function jwkThumbprint(jwk: { kty: string; crv?: string; x?: string; y?: string }): string {
  let canonical: string;
  if (jwk.kty === 'EC') {
    canonical = `{"crv":${JSON.stringify(jwk.crv)},"kty":"EC","x":${JSON.stringify(jwk.x)},"y":${JSON.stringify(jwk.y)}}`;
  } else if (jwk.kty === 'OKP') {
    canonical = `{"crv":${JSON.stringify(jwk.crv)},"kty":"OKP","x":${JSON.stringify(jwk.x)}}`;
  } else {
    throw new TypeError(`jwkThumbprint: unsupported kty ${jwk.kty}`);
  }
  return createHash('sha256').update(canonical).digest('base64url');
}

/** The public JWK of a key, with `kid` set to its thumbprint and `alg`/`use` pinned. */
export function publicJwkOf(key: KeyObject): PublicJwk {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' }) as { kty: string; crv?: string; x?: string; y?: string };
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && jwk.x && jwk.y) {
    return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: jwkThumbprint(jwk), alg: 'ES256', use: 'sig' };
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && jwk.x) {
    return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: jwkThumbprint(jwk), alg: 'EdDSA', use: 'sig' };
  }
  throw new TypeError('publicJwkOf: only P-256 and Ed25519 keys are supported');
}

export function algOf(key: KeyObject): JwsAlg {
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  throw new TypeError('only P-256 (ES256) and Ed25519 (EdDSA) signing keys are supported');
}

export function signingKeyFrom(privateKey: KeyObject): SigningKey {
  const publicJwk = publicJwkOf(privateKey);
  return { alg: algOf(privateKey), kid: publicJwk.kid, privateKey, publicJwk };
}

/** A fresh signing key. ES256 is the default: on OpenSSL 3.0 a P-256 verify costs ~60% of an Ed25519 one. */
export function generateSigningKey(alg: JwsAlg = 'ES256'): SigningKey {
  const { privateKey } =
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return signingKeyFrom(privateKey);
}

/** Import a public JWK from a trust list into a KeyObject. */
export function importPublicJwk(jwk: PublicJwk): KeyObject {
  const { kid: _kid, alg: _alg, use: _use, ...material } = jwk;
  return createPublicKey({ key: material, format: 'jwk' });
}

export { createPrivateKey };
