import { EMPTY_ROOT, nodeHash, splitPoint } from './hash.js';

/**
 * An in-memory RFC 9162 tree over leaf hashes that caches every complete (perfect, aligned) subtree.
 *
 * `levels[l][i]` is the hash of the perfect subtree over leaves `[i·2^l, (i+1)·2^l)`. An append adds one entry
 * to level 0 and at most one per level above (amortised O(1), worst case O(log n)); any MTH(D[a:b]) is then
 * O(log n) cached lookups and fresh hashes, so the root at any past size, an inclusion proof (§2.1.3.1) and a
 * consistency proof (§2.1.4.1) each cost O(log² n) at most. Memory is about 2·32 bytes per leaf: 64 MB for a
 * million leaves, far beyond a gateway's daily volume; the store rebuilds it from the leaf hashes at open.
 *
 * Pure: no I/O, no clock.
 */
export class MerkleTree {
  private readonly levels: Uint8Array[][] = [[]];

  /** Number of leaves. */
  get size(): number {
    return this.levels[0]!.length;
  }

  /** Append one leaf hash (already `leafHash(data)`). */
  append(hash: Uint8Array): void {
    let level = 0;
    let current = hash;
    for (;;) {
      const row = this.levels[level] ?? [];
      if (this.levels[level] === undefined) this.levels[level] = row;
      row.push(current);
      // A perfect subtree completes whenever this row gets an even count; push its parent one level up.
      if (row.length % 2 !== 0) return;
      current = nodeHash(row[row.length - 2]!, current);
      level++;
    }
  }

  /** Drop every leaf at or after `size` (used to undo a batch whose transaction failed). */
  truncate(size: number): void {
    this.checkSize(size);
    for (let level = 0, n = size; level < this.levels.length; level++, n = Math.floor(n / 2)) {
      this.levels[level]!.length = n;
    }
  }

  /** The stored leaf hash at `index`. */
  leaf(index: number): Uint8Array {
    const h = this.levels[0]![index];
    if (h === undefined) throw new RangeError(`leaf ${index} out of range (size ${this.size})`);
    return h;
  }

  /** MTH of the first `size` leaves (RFC 9162 §2.1.1). */
  rootAt(size: number = this.size): Uint8Array {
    this.checkSize(size);
    return size === 0 ? EMPTY_ROOT : this.subtree(0, size);
  }

  /** PATH(m, D[n]) of RFC 9162 §2.1.3.1: the audit path of leaf `index` in the tree of the first `size` leaves. */
  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    this.checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
    }
    const out: Uint8Array[] = [];
    this.path(index, 0, size, out);
    return out;
  }

  /** PROOF(m, D[n]) of RFC 9162 §2.1.4.1: proves the tree of size `first` is a prefix of the tree of size `second`. */
  consistencyProof(first: number, second: number = this.size): Uint8Array[] {
    this.checkSize(second);
    if (!Number.isSafeInteger(first) || first < 0 || first > second) {
      throw new RangeError(`cannot prove ${first} → ${second}`);
    }
    const out: Uint8Array[] = [];
    if (first === 0 || first === second) return out;
    this.subproof(first, 0, second, true, out);
    return out;
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new RangeError(`tree size ${size} out of range (have ${this.size})`);
    }
  }

  /** MTH(D[start:start+n]), n ≥ 1, using the cache for aligned perfect subtrees. */
  private subtree(start: number, n: number): Uint8Array {
    if ((n & (n - 1)) === 0 && start % n === 0) {
      const level = Math.log2(n);
      const cached = this.levels[level]?.[start / n];
      if (cached !== undefined) return cached;
    }
    const k = splitPoint(n);
    return nodeHash(this.subtree(start, k), this.subtree(start + k, n - k));
  }

  // PATH(m, D[start:start+n]) — RFC 9162 §2.1.3.1, appending bottom-up (leaf sibling first).
  private path(m: number, start: number, n: number, out: Uint8Array[]): void {
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      this.path(m, start, k, out);
      out.push(this.subtree(start + k, n - k));
    } else {
      this.path(m - k, start + k, n - k, out);
      out.push(this.subtree(start, k));
    }
  }

  // SUBPROOF(m, D[start:start+n], b) — RFC 9162 §2.1.4.1.
  private subproof(m: number, start: number, n: number, b: boolean, out: Uint8Array[]): void {
    if (m === n) {
      if (!b) out.push(this.subtree(start, n));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      this.subproof(m, start, k, b, out);
      out.push(this.subtree(start + k, n - k));
    } else {
      this.subproof(m - k, start + k, n - k, false, out);
      out.push(this.subtree(start, k));
    }
  }
}
