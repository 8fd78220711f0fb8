import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  Frontier,
  leafHash,
  MerkleTree,
  nodeHash,
  rootFromInclusionProof,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../../audit/index.js';

const h = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// Test vectors: transparency-dev/merkle proof/verify_test.go (the same 8 leaves and roots as
// certificate-transparency-go's merkletree tests). Leaf data, roots for sizes 1..8, and proofs
// (inclusion leaf numbers there are 1-based).
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(h);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION: [number, number, string[]][] = [
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [3, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    2,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

function treeOf(n: number): MerkleTree {
  const t = new MerkleTree();
  for (let i = 0; i < n; i++) t.append(leafHash(LEAVES[i]!));
  return t;
}

/** The recursive definitions of RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1, written naively as the oracle. */
function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}
function naiveMth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return EMPTY_ROOT;
  if (d.length === 1) return d[0]!;
  const s = k(d.length);
  return nodeHash(naiveMth(d.slice(0, s)), naiveMth(d.slice(s)));
}
function naivePath(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s
    ? [...naivePath(m, d.slice(0, s)), naiveMth(d.slice(s))]
    : [...naivePath(m - s, d.slice(s)), naiveMth(d.slice(0, s))];
}
function naiveSubproof(m: number, d: Uint8Array[], b: boolean): Uint8Array[] {
  const n = d.length;
  if (m === n) return b ? [] : [naiveMth(d)];
  const s = k(n);
  return m <= s
    ? [...naiveSubproof(m, d.slice(0, s), b), naiveMth(d.slice(s))]
    : [...naiveSubproof(m - s, d.slice(s), false), naiveMth(d.slice(0, s))];
}

describe('RFC 9162 Merkle tree: published vectors (transparency-dev/merkle proof/verify_test.go)', () => {
  it('hashes the empty tree as SHA-256 of the empty string (RFC 9162 §2.1.1)', () => {
    expect(hex(new MerkleTree().rootAt(0))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it.each(ROOTS.map((r, i) => [i + 1, r] as const))('root of the first %i leaves is %s', (n, root) => {
    expect(hex(treeOf(8).rootAt(n))).toBe(root);
    expect(hex(treeOf(n).rootAt())).toBe(root);
    expect(hex(rootFromLeafHashes(LEAVES.slice(0, n).map((d) => leafHash(d))))).toBe(root);
  });

  it.each(INCLUSION)('inclusion proof for leaf #%i in a tree of %i', (leaf1, size, proof) => {
    const t = treeOf(8);
    expect(t.inclusionProof(leaf1 - 1, size).map(hex)).toEqual(proof);
    expect(
      verifyInclusion(leaf1 - 1, size, leafHash(LEAVES[leaf1 - 1]!), proof.map(h), h(ROOTS[size - 1]!)),
    ).toBe(true);
  });

  it.each(CONSISTENCY)('consistency proof %i → %i', (m, n, proof) => {
    expect(treeOf(8).consistencyProof(m, n).map(hex)).toEqual(proof);
    expect(verifyConsistency(m, n, h(ROOTS[m - 1]!), h(ROOTS[n - 1]!), proof.map(h))).toBe(true);
  });

  // The corruption probes of transparency-dev's verifierCheck / verifierConsistencyCheck.
  it.each(INCLUSION)(
    'rejects every corruption of the inclusion proof for leaf #%i of %i',
    (leaf1, size, proofHex) => {
      const i = leaf1 - 1;
      const proof = proofHex.map(h);
      const root = h(ROOTS[size - 1]!);
      const lh = leafHash(LEAVES[i]!);
      const some = h('abacaba000000000000000000000000000000000000000000060061e00123456');
      const probes: [number, number, Uint8Array, Uint8Array[], Uint8Array][] = [
        [i - 1, size, lh, proof, root],
        [i + 1, size, lh, proof, root],
        [i ^ 2, size, lh, proof, root],
        [i, size * 2, lh, proof, root],
        [i, Math.floor(size / 2), lh, proof, root],
        [i, size, new Uint8Array(Buffer.from('WrongLeaf')), proof, root],
        [i, size, lh, proof, EMPTY_ROOT],
        [i, size, lh, proof, some],
        [i, size, lh, [...proof, new Uint8Array()], root],
        [i, size, lh, [...proof, root], root],
        [i, size, lh, [new Uint8Array(), ...proof], root],
        [i, size, lh, [root, ...proof], root],
        [i, size, lh, proof.slice(0, -1), root],
        ...proof.map((_, j): [number, number, Uint8Array, Uint8Array[], Uint8Array] => {
          const bad = proof.map((p) => new Uint8Array(p));
          bad[j]![0]! ^= 8;
          return [i, size, lh, bad, root];
        }),
      ];
      for (const [idx, sz, leaf, p, r] of probes) expect(verifyInclusion(idx, sz, leaf, p, r)).toBe(false);
    },
  );

  it.each(CONSISTENCY.filter(([, , p]) => p.length > 0))(
    'rejects corruptions of the consistency proof %i → %i',
    (m, n, proofHex) => {
      const proof = proofHex.map(h);
      const r1 = h(ROOTS[m - 1]!);
      const r2 = h(ROOTS[n - 1]!);
      const probes: [number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
        [m - 1, n, r1, r2, proof],
        [m + 1, n, r1, r2, proof],
        [m ^ 2, n, r1, r2, proof],
        [m, n * 2, r1, r2, proof],
        [m, Math.floor(n / 2), r1, r2, proof],
        [m, n, new Uint8Array(Buffer.from('WrongRoot')), r2, proof],
        [m, n, r1, new Uint8Array(Buffer.from('WrongRoot')), proof],
        [m, n, r2, r1, proof],
        [m, n, r1, r2, []],
        [m, n, r1, r2, [...proof, r1]],
        [m, n, r1, r2, [...proof, r2]],
        [m, n, r1, r2, [r1, ...proof]],
        [m, n, r1, r2, [proof[0]!, ...proof]],
        [m, n, r1, r2, proof.slice(0, -1)],
        ...proof.map((_, j): [number, number, Uint8Array, Uint8Array, Uint8Array[]] => {
          const bad = proof.map((p) => new Uint8Array(p));
          bad[j]![0]! ^= 16;
          return [m, n, r1, r2, bad];
        }),
      ];
      for (const [a, b, x, y, p] of probes) expect(verifyConsistency(a, b, x, y, p)).toBe(false);
    },
  );

  it.each([
    [0, 0, false],
    [0, 1, true],
    [1, 0, false],
    [2, 1, false],
  ])('inclusion with index %i in size %i and an empty proof is refused', (i, n) => {
    expect(verifyInclusion(i, n, leafHash('x'), [], EMPTY_ROOT)).toBe(false);
  });

  it('treats trivial consistency cases like transparency-dev: 0→n empty proof, m→m equal roots only', () => {
    expect(verifyConsistency(0, 5, EMPTY_ROOT, h(ROOTS[4]!), [])).toBe(true);
    expect(verifyConsistency(3, 3, h(ROOTS[2]!), h(ROOTS[2]!), [])).toBe(true);
    expect(verifyConsistency(3, 3, h(ROOTS[2]!), h(ROOTS[3]!), [])).toBe(false);
    expect(verifyConsistency(3, 3, h(ROOTS[2]!), h(ROOTS[2]!), [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(1, 2, h(ROOTS[0]!), h(ROOTS[1]!), [])).toBe(false);
    expect(verifyConsistency(2, 1, h(ROOTS[1]!), h(ROOTS[0]!), [])).toBe(false);
  });

  it('keeps a leaf from posing as an interior node (0x00 / 0x01 prefixes, RFC 9162 §2.1.1)', () => {
    const a = leafHash('a');
    const b = leafHash('b');
    const forged = leafHash(Buffer.concat([Buffer.from([1]), a, b]));
    expect(hex(forged)).not.toBe(hex(nodeHash(a, b)));
  });

  it('truncates back to an earlier size exactly', () => {
    const t = treeOf(8);
    t.truncate(5);
    expect(t.size).toBe(5);
    expect(hex(t.rootAt())).toBe(ROOTS[4]);
    t.append(leafHash(LEAVES[5]!));
    expect(hex(t.rootAt())).toBe(ROOTS[5]);
  });
});

describe('RFC 9162 Merkle tree: properties against the naive recursive definitions', () => {
  const leavesArb = fc.array(fc.uint8Array({ maxLength: 8 }), { minLength: 1, maxLength: 70 });

  it('cached roots, frontier roots and naive MTH agree at every size', () => {
    fc.assert(
      fc.property(leavesArb, (data) => {
        const hashes = data.map((d) => leafHash(d));
        const t = new MerkleTree();
        const f = new Frontier();
        for (const lh of hashes) {
          t.append(lh);
          f.append(lh);
          expect(hex(f.root())).toBe(hex(naiveMth(hashes.slice(0, t.size))));
        }
        for (let n = 0; n <= hashes.length; n++)
          expect(hex(t.rootAt(n))).toBe(hex(naiveMth(hashes.slice(0, n))));
      }),
      { numRuns: 60 },
    );
  });

  it('inclusion proofs equal PATH(m, D[n]) and verify; a wrong leaf or index never does', () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), fc.nat(), (data, a, b) => {
        const hashes = data.map((d) => leafHash(d));
        const t = new MerkleTree();
        for (const lh of hashes) t.append(lh);
        const n = 1 + (a % hashes.length);
        const m = b % n;
        const proof = t.inclusionProof(m, n);
        expect(proof.map(hex)).toEqual(naivePath(m, hashes.slice(0, n)).map(hex));
        const root = t.rootAt(n);
        expect(verifyInclusion(m, n, hashes[m]!, proof, root)).toBe(true);
        expect(hex(rootFromInclusionProof(m, n, hashes[m]!, proof)!)).toBe(hex(root));
        expect(verifyInclusion(m, n, leafHash('not a leaf'), proof, root)).toBe(false);
        // A proof for another position only verifies if that position holds the same leaf.
        if (n > 1 && hex(hashes[(m + 1) % n]!) !== hex(hashes[m]!)) {
          expect(verifyInclusion((m + 1) % n, n, hashes[(m + 1) % n]!, proof, root)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('consistency proofs equal PROOF(m, D[n]) and verify; swapped or wrong roots never do', () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), fc.nat(), (data, a, b) => {
        const hashes = data.map((d) => leafHash(d));
        const t = new MerkleTree();
        for (const lh of hashes) t.append(lh);
        const n = 1 + (a % hashes.length);
        const m = 1 + (b % n);
        const proof = t.consistencyProof(m, n);
        expect(proof.map(hex)).toEqual(m === n ? [] : naiveSubproof(m, hashes.slice(0, n), true).map(hex));
        const r1 = t.rootAt(m);
        const r2 = t.rootAt(n);
        expect(verifyConsistency(m, n, r1, r2, proof)).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, r2, r1, proof)).toBe(false);
          expect(verifyConsistency(m, n, leafHash('other'), r2, proof)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the verifier’s text frontier hashes exactly 0x00 || UTF-8(text) and agrees with the byte frontier', async () => {
    const { TextFrontier } = await import('../../../audit/merkle/hash.js');
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { maxLength: 40 }), (texts) => {
        const t = new TextFrontier();
        const f = new Frontier();
        for (const text of texts) {
          const lh = t.appendLeafText(text);
          expect(Buffer.from(lh, 'latin1').toString('hex')).toBe(hex(leafHash(text)));
          f.append(leafHash(text));
          expect(hex(t.root())).toBe(hex(f.root()));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a tree that differs in any one leaf is not consistent with the original', () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), fc.nat(), (data, a, b) => {
        fc.pre(data.length >= 2);
        const hashes = data.map((d) => leafHash(d));
        const m = 1 + (a % (hashes.length - 1));
        const changed = b % m;
        const forked = [...hashes];
        forked[changed] = leafHash(Buffer.concat([Buffer.from('fork'), data[changed]!]));
        const t = new MerkleTree();
        for (const lh of forked) t.append(lh);
        const proof = t.consistencyProof(m, hashes.length);
        expect(verifyConsistency(m, hashes.length, naiveMth(hashes.slice(0, m)), t.rootAt(), proof)).toBe(
          false,
        );
      }),
      { numRuns: 100 },
    );
  });
});
