import {
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Digest, MosaicError, sha256Base64url } from '../contracts/index.js';
import type { PolicyContext } from './context.js';
import {
  buildBundle,
  digestOf,
  normaliseSources,
  type PolicyBundle,
  readBundleSources,
  SIGNATURE_FILE,
} from './load.js';

/**
 * Bundles on disk and their signatures. A signature is a compact JWS (RFC 7515, ES256) by a policy officer's
 * P-256 key over `{typ, version, digest}`: it covers the meaning of the bundle (its normalised form), so the
 * officer signs what the engine runs, not the bytes of files that may be reformatted.
 */

const JWS_TYP = 'mosaic-policy+jws';
const PAYLOAD_TYP = 'mosaic-policy-bundle';

/** An EC P-256 public JWK (the policy officer's key), as configured on the node. */
export interface PolicyOfficerJwk {
  readonly kty: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
  readonly kid?: string;
}

export interface LoadOptions {
  /** Refuse the bundle unless `bundle.jws` verifies with this key and signs the bundle's digest. */
  readonly requireSignatureBy?: PolicyOfficerJwk;
}

/** Load, validate, compile and (if required) verify a bundle directory. Throws a coded MosaicError. */
export function loadBundle(dir: string, ctx: PolicyContext, options: LoadOptions = {}): PolicyBundle {
  const bundle = buildBundle(readBundleSources(dir), ctx);
  if (!options.requireSignatureBy) return bundle;
  const kid = verifyBundleSignature(dir, bundle.digest, options.requireSignatureBy);
  return Object.freeze({ ...bundle, signedBy: kid });
}

/** The digest and version of a bundle directory, checked against the schemas only (no trust list needed). */
export function bundleDigest(dir: string): { digest: Digest; version: string } {
  const { normalised, issues } = normaliseSources(readBundleSources(dir));
  if (!normalised) throw new MosaicError('MOSAIC_ERR_POLICY_INVALID', { issues });
  return { digest: digestOf(normalised), version: normalised.version };
}

/** Sign a bundle directory with a policy officer's PEM private key; writes `bundle.jws` next to the manifest. */
export function signBundle(
  dir: string,
  privateKeyPem: string,
): { digest: Digest; version: string; kid: string; file: string } {
  const key = p256Key(() => createPrivateKey(privateKeyPem));
  const { digest, version } = bundleDigest(dir);
  const kid = thumbprint(createPublicKey(key));
  const header = b64json({ alg: 'ES256', typ: JWS_TYP, kid });
  const payload = b64json({ typ: PAYLOAD_TYP, version, digest });
  // ieee-p1363: JWS carries r‖s, not DER (RFC 7518 §3.4).
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key, dsaEncoding: 'ieee-p1363' });
  const file = join(dir, SIGNATURE_FILE);
  writeFileSync(file, `${header}.${payload}.${signature.toString('base64url')}\n`);
  return { digest, version, kid, file };
}

/** Verify `bundle.jws` against the key and the digest; returns the key's RFC 7638 thumbprint. */
export function verifyBundleSignature(dir: string, digest: Digest, jwk: PolicyOfficerJwk): string {
  const key = p256Key(() => createPublicKey({ key: { ...jwk } as JsonWebKey, format: 'jwk' }));
  const kid = thumbprint(key);
  const file = join(dir, SIGNATURE_FILE);
  if (!existsSync(file)) throw new MosaicError('MOSAIC_ERR_POLICY_SIGNATURE_MISSING', { detail: file });
  const bad = (detail: string) => new MosaicError('MOSAIC_ERR_POLICY_BAD_SIGNATURE', { detail });
  const parts = readFileSync(file, 'utf8').trim().split('.');
  if (parts.length !== 3) throw bad('not a compact JWS');
  const [h, p, s] = parts as [string, string, string];
  const header = parseJson(h);
  const payload = parseJson(p);
  if (!header) throw bad('the JWS header is not a JSON object');
  if (header['alg'] !== 'ES256' || header['typ'] !== JWS_TYP || 'crit' in header)
    throw bad('unexpected JWS header');
  if (header['kid'] !== kid) throw bad('signed by another key');
  const sig = Buffer.from(s, 'base64url');
  if (
    sig.length !== 64 ||
    !verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, sig)
  )
    throw bad('signature does not verify');
  if (!payload || payload['typ'] !== PAYLOAD_TYP || payload['digest'] !== digest)
    throw bad('the signature is for another bundle digest');
  return kid;
}

function p256Key(make: () => KeyObject): KeyObject {
  let key: KeyObject;
  try {
    key = make();
  } catch (err) {
    throw new MosaicError('MOSAIC_ERR_POLICY_KEY_INVALID', { cause: err });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new MosaicError('MOSAIC_ERR_POLICY_KEY_INVALID', { detail: 'not a P-256 key' });
  return key;
}

/** RFC 7638 §3.2: the required EC members in lexicographic order, no whitespace, SHA-256, base64url. */
function thumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  return sha256Base64url(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }));
}

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
