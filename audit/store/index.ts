/** The SQLite ledger: durable group-committed appends, checkpoints, proofs, witness state, auditor queries. */
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
  type RawLeaf,
  type SignedCheckpoint,
  type SplitViewEvidence,
  type WitnessState,
} from './ledger.js';
export { prepareEntry, type PreparedEntry } from './events.js';
