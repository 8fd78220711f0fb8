import { randomFillSync } from 'node:crypto';

/**
 * Random ids from a pooled CSPRNG buffer: one `randomFillSync` per 4 KiB instead of one per id, since ids (jti,
 * trace ids) are drawn several times per exchange and each small call costs more than the bytes.
 */
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

function take(bytes: number): Buffer {
  if (bytes > POOL_SIZE) throw new TypeError('randomId: too many bytes');
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  // Copied out: the pool is overwritten on the next refill.
  const out = Buffer.from(pool.subarray(offset, offset + bytes));
  offset += bytes;
  return out;
}

/** `bytes` random bytes as base64url (16 bytes: a 22-character jti). */
export function randomId(bytes = 16): string {
  return take(bytes).toString('base64url');
}

/** `bytes` random bytes as lower-case hex (16 bytes: a W3C trace id). */
export function randomHex(bytes = 16): string {
  return take(bytes).toString('hex');
}
