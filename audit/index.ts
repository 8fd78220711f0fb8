/**
 * audit/: the tamper-evident audit ledger (RFC 9162 Merkle log, C2SP signed-note checkpoints, tlog-witness
 * cosigning, offline-verifiable bundles). See docs/audit.md.
 *
 * How the gateway uses it:
 *
 * - Start-up: `const ledger = openLedger({ path: join(dataDir, 'audit.db'), origin: '<agency-domain>/audit/v1',
 *   logSigner: createNoteSigner(origin, logPrivateKey), agency, clock: Date.now })` (the CLI generates the log
 *   key with `generateKeyPairSync('ed25519')`; publish `formatVerifierKey(ledger.logKey)` as the member's
 *   `logKey` in the trust list). Call `ledger.maybeCheckpoint()` from a timer (e.g. every second) and
 *   `ledger.close()` at shutdown. Expose `ledger.stats()` (commits, appends, pending) as metrics and fail
 *   readiness when `ledger.corruptionDetected` is non-null (the node then refuses to sign checkpoints).
 * - Audit first: `await ledger.append(event, body?, { checkpoint: true })` before any answer leaves the node.
 *   A rejection is a MosaicError (MOSAIC_ERR_AUDIT_UNAVAILABLE, 503): release nothing, answer with that problem.
 *   Concurrent appends share one fsync (group commit).
 * - Receipt in a response: `{ leafIndex, leafHash, checkpoint }` from the append result (with
 *   `{ checkpoint: true }` the note covers the entry), or `ledger.receipt(leafIndex)` later.
 * - `GET /fed/v1/audit/proofs/:index`: `ledger.inclusionProof(index)` → `{leafIndex, treeSize, leafHash,
 *   hashes, checkpoint}`; MOSAIC_ERR_AUDIT_NOT_FOUND / _NOT_COVERED map to 404. Consistency:
 *   `ledger.consistencyProof(from, to)`.
 * - Requester side: check a peer's receipt with `verifyReceipt(receipt, peerLogKey)` and store it in the
 *   `response-received` event; fetch and check its proof later with `verifyInclusionProof`.
 * - Witnessing peers: `POST /fed/v1/witness/add-checkpoint` → `addCheckpoint(ledger, { cosigner, logs },
 *   bodyText, nowSeconds)` returns cosignature lines (200, text/plain, each line followed by `\n`);
 *   `cosigner = createNoteSigner('<agency-domain>/witness', key, SIG_TYPE_COSIGNATURE_V1)`, `logs` maps each
 *   peer's origin to its `parseVerifierKey(member.logKey)`. `WitnessConflictError` → 409 with body
 *   `${err.currentSize}\n` (`text/x.tlog.size`); `SplitViewError` → 422, flag the peer (readyz, metrics) and
 *   append a `witness-conflict` event with `splitViewDigest(err.evidence)`.
 * - Collecting cosignatures on our own checkpoints: send `formatAddCheckpoint(oldSize,
 *   ledger.consistencyProof(oldSize, cp.size), cp.note)` to each peer (`oldSize` = the size that peer last
 *   cosigned, 0 at first; on 409 retry with the size it returns) and store each returned line with
 *   `ledger.addCosignature(cp.size, line, peerWitnessKey)`; `ledger.latestCheckpoint().note` then carries them.
 * - Auditor API and CLI: `ledger.list(filter)`, `ledger.get(index)` + `ledger.inclusionProof(index)`,
 *   `exportBundle(ledger, { from, to, filter })`, `verifyBundle(bundle, { logKey, witnessKeys })` (offline),
 *   `await verifyLedger(ledger)` (`mosaic audit verify --node`; async because signatures are checked on the
 *   thread pool), `reconcile(bundleA, bundleB)`, `purge(ledger, before)` then append a `ledger-purged` event.
 */
export {
  EMPTY_ROOT,
  Frontier,
  HASH_SIZE,
  hashEquals,
  leafHash,
  MerkleTree,
  nodeHash,
  rootFromInclusionProof,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from './merkle/index.js';
export {
  addSignatureLines,
  type Checkpoint,
  computeKeyId,
  cosignCheckpoint,
  cosignedMessage,
  createNoteSigner,
  ed25519PrivateKeyFromSeed,
  formatCheckpoint,
  formatVerifierKey,
  type NoteSignature,
  type NoteSigner,
  type NoteSigType,
  type NoteVerifierKey,
  type OpenNoteResult,
  openNote,
  type ParsedNote,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  signNote,
  verifierOf,
  verifyCosignature,
} from './note/index.js';
export {
  type AppendOptions,
  type AppendResult,
  AuditLedger,
  type InclusionProof,
  type LedgerEntry,
  type LedgerOptions,
  type ListFilter,
  type ListPage,
  openLedger,
  type SignedCheckpoint,
  type SplitViewEvidence,
  type WitnessState,
} from './store/index.js';
export {
  type AddCheckpointRequest,
  addCheckpoint,
  detectSplitView,
  formatAddCheckpoint,
  parseAddCheckpoint,
  SplitViewError,
  splitViewDigest,
  type WitnessConfig,
  WitnessConflictError,
} from './witness/index.js';
export {
  type AuditBundle,
  BUNDLE_FORMAT,
  type ExportFilter,
  type ExportOptions,
  exportBundle,
  type LedgerVerifyResult,
  purge,
  type ReconcileIssue,
  type ReconcileResult,
  reconcile,
  type TrustedKeys,
  type VerifyResult,
  verifyBundle,
  verifyLedger,
} from './bundle/index.js';
export { type ReceiptCheck, verifyInclusionProof, verifyReceipt } from './receipt.js';
