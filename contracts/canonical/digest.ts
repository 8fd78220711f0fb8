import { createHash } from 'node:crypto';
import { canonicalize } from './json.js';

/** Digests are written `sha256:<64 lowercase hex>` everywhere Mosaic records or compares one. */
export type Digest = `sha256:${string}`;

export const DIGEST_PATTERN = '^sha256:[0-9a-f]{64}$';

/** SHA-256 of raw bytes or a UTF-8 string, in Mosaic's digest notation. */
export function sha256Digest(data: string | Uint8Array): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** SHA-256 of the RFC 8785 canonical form of a JSON value. */
export function canonicalDigest(value: unknown): Digest {
  return sha256Digest(canonicalize(value));
}

/** base64url (no padding) of SHA-256: the form used for TLS pins and `cnf.x5t#S256` (RFC 8705 §3.1). */
export function sha256Base64url(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('base64url');
}
