import * as nodeCrypto from 'node:crypto';
import { createHash } from 'node:crypto';

/** Every hash in the ledger is SHA-256 (RFC 9162 §2.1 with SHA-256, as in RFC 6962). */
export const HASH_SIZE = 32;

/** MTH of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Uint8Array = createHash('sha256').digest();

// One-shot `crypto.hash` (Node ≥ 20.12) avoids a Hash object per call, which dominates for 65-byte inputs;
// fall back to createHash on older 20.x.
const oneShot = (nodeCrypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash;
/** SHA-256 of bytes. */
export const sha256: (data: Uint8Array) => Uint8Array =
  oneShot === undefined
    ? (data) => createHash('sha256').update(data).digest()
    : (data) => oneShot('sha256', data, 'buffer');

/** SHA-256 of a UTF-8 string in Mosaic's digest notation (`sha256:<hex>`), one-shot where available. */
export function sha256DigestOf(text: string): `sha256:${string}` {
  return `sha256:${Buffer.from(sha256(Buffer.from(text, 'utf8'))).toString('hex')}`;
}

/**
 * Leaf hash `SHA-256(0x00 || data)` (RFC 9162 §2.1.1). The 0x00/0x01 prefixes keep a leaf from being passed off
 * as an interior node (second-preimage resistance).
 */
export function leafHash(data: string | Uint8Array): Uint8Array {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  // Hashing is synchronous, so one scratch buffer can hold 0x00 || data without an allocation per leaf.
  if (bytes.length + 1 > scratch.length)
    scratch = Buffer.allocUnsafe(Math.max(bytes.length + 1, scratch.length * 2));
  scratch[0] = 0x00;
  scratch.set(bytes, 1);
  return sha256(scratch.subarray(0, bytes.length + 1));
}

let scratch = Buffer.allocUnsafe(4096);
const nodeScratch = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);

/** Interior node hash `SHA-256(0x01 || left || right)` (RFC 9162 §2.1.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    return sha256(Buffer.concat([Buffer.from([0x01]), left, right]));
  }
  nodeScratch[0] = 0x01;
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return sha256(nodeScratch);
}

/** The largest power of two strictly smaller than n (n ≥ 2): the split point k of RFC 9162 §2.1.1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Constant-size equality of two hashes; lengths differing is simply unequal. */
export function hashEquals(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * The right edge of a growing tree ("compact range" / frontier): the perfect subtrees that make up the tree so
 * far, so a streaming verifier gets the root at any size with O(log n) memory (RFC 9162 §2.1.1 definition, as
 * transparency-dev/merkle `compact.Range`).
 */
export class Frontier {
  private readonly hashes: Uint8Array[] = [];
  private readonly sizes: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  append(leaf: Uint8Array): void {
    let hash = leaf;
    let size = 1;
    while (this.sizes.length > 0 && this.sizes[this.sizes.length - 1] === size) {
      this.sizes.pop();
      hash = nodeHash(this.hashes.pop()!, hash);
      size *= 2;
    }
    this.hashes.push(hash);
    this.sizes.push(size);
    this.count++;
  }

  /** MTH of everything appended so far: fold the subtrees right to left. */
  root(): Uint8Array {
    if (this.hashes.length === 0) return EMPTY_ROOT;
    let acc = this.hashes[this.hashes.length - 1]!;
    for (let i = this.hashes.length - 2; i >= 0; i--) acc = nodeHash(this.hashes[i]!, acc);
    return acc;
  }
}

const hashLatin1: (data: Uint8Array) => string =
  oneShot === undefined
    ? (data) => createHash('sha256').update(data).digest().toString('latin1')
    : (data) =>
        (nodeCrypto as unknown as { hash: (a: string, d: Uint8Array, e: 'latin1') => string }).hash(
          'sha256',
          data,
          'latin1',
        );

const hashTextLatin1: (text: string) => string =
  oneShot === undefined
    ? (text) => createHash('sha256').update(text, 'utf8').digest().toString('latin1')
    : (text) =>
        (nodeCrypto as unknown as { hash: (a: string, d: string, e: 'latin1') => string }).hash(
          'sha256',
          text,
          'latin1',
        );

/**
 * The same frontier as {@link Frontier}, specialised for the full-ledger verifier's hot loop: leaves arrive as
 * the stored text and are hashed as strings, and node hashes are kept as 32-character latin1 strings written into
 * one scratch buffer, so no Buffer is allocated per hash (allocation, not SHA-256, dominated the verifier's
 * profile).
 */
export class TextFrontier {
  private readonly hashes: string[] = [];
  private readonly sizes: number[] = [];
  private count = 0;
  private readonly nodeBuf = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);

  get size(): number {
    return this.count;
  }

  /** Append the leaf whose data is `text` (UTF-8); returns its leaf hash as a latin1 string. */
  appendLeafText(text: string): string {
    // U+0000 encodes as the single byte 0x00, so this hashes exactly 0x00 || UTF-8(text) (RFC 9162 §2.1.1).
    const leaf = hashTextLatin1(`\u0000${text}`);
    let hash = leaf;
    let size = 1;
    this.nodeBuf[0] = 0x01;
    while (this.sizes.length > 0 && this.sizes[this.sizes.length - 1] === size) {
      this.sizes.pop();
      this.nodeBuf.write(this.hashes.pop()!, 1, 'latin1');
      this.nodeBuf.write(hash, 1 + HASH_SIZE, 'latin1');
      hash = hashLatin1(this.nodeBuf);
      size *= 2;
    }
    this.hashes.push(hash);
    this.sizes.push(size);
    this.count++;
    return leaf;
  }

  /** MTH of everything appended so far. */
  root(): Uint8Array {
    if (this.hashes.length === 0) return EMPTY_ROOT;
    let acc = Buffer.from(this.hashes[this.hashes.length - 1]!, 'latin1');
    for (let i = this.hashes.length - 2; i >= 0; i--) {
      acc = Buffer.from(nodeHash(Buffer.from(this.hashes[i]!, 'latin1'), acc));
    }
    return acc;
  }
}

/** MTH over a list of leaf hashes (RFC 9162 §2.1.1). */
export function rootFromLeafHashes(leaves: readonly Uint8Array[]): Uint8Array {
  const f = new Frontier();
  for (const leaf of leaves) f.append(leaf);
  return f.root();
}
