/** Pure RFC 9162 Merkle tree code: hashing, roots, inclusion and consistency proofs. No I/O, no clock. */
export {
  EMPTY_ROOT,
  Frontier,
  HASH_SIZE,
  hashEquals,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
} from './hash.js';
export { MerkleTree } from './tree.js';
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify.js';
