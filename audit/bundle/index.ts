/** Export bundles, offline verification, reconciliation between two nodes, retention purge. */
export { type ExportFilter, type ExportOptions, exportBundle } from './export.js';
export {
  type AuditBundle,
  BUNDLE_FORMAT,
  type BundleCheckpoint,
  type BundleEntry,
  type BundleRange,
  validateBundle,
} from './format.js';
export { purge } from './purge.js';
export { type ReconcileIssue, type ReconcileResult, reconcile } from './reconcile.js';
export {
  type LedgerVerifyResult,
  type TrustedKeys,
  type VerifyResult,
  verifyBundle,
  verifyLedger,
} from './verify.js';
