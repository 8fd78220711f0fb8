import type { ErrorSpec } from '../spec.js';

/** The tamper-evident audit ledger: appends, proofs, checkpoints, witnessing and bundles. */
export const auditErrors = {
  MOSAIC_ERR_AUDIT_UNAVAILABLE: {
    status: 503,
    message: 'The audit ledger cannot be written; nothing was released.',
  },
  MOSAIC_ERR_AUDIT_EVENT_INVALID: { status: 500, message: 'An audit event does not match the event schema.' },
  MOSAIC_ERR_AUDIT_INCONSISTENT: {
    status: 500,
    message: 'The ledger does not match its last signed checkpoint; refusing to sign.',
  },
  MOSAIC_ERR_AUDIT_NOT_FOUND: { status: 404, message: 'No ledger entry has this index.' },
  MOSAIC_ERR_AUDIT_NOT_COVERED: { status: 404, message: 'No signed checkpoint covers this entry yet.' },
  MOSAIC_ERR_AUDIT_BAD_RANGE: {
    status: 400,
    message: 'The requested tree sizes or indices are out of range.',
  },
  MOSAIC_ERR_AUDIT_COSIGNATURE_INVALID: {
    status: 400,
    message: 'The cosignature does not verify for this checkpoint and witness key.',
  },
  MOSAIC_ERR_AUDIT_BUNDLE_INVALID: { status: 400, message: 'The audit bundle is not well-formed.' },
  MOSAIC_ERR_AUDIT_WITNESS_MALFORMED: { status: 400, message: 'The add-checkpoint request is malformed.' },
  MOSAIC_ERR_AUDIT_WITNESS_OLD_SIZE: {
    status: 400,
    message: 'The old size is larger than the checkpoint size.',
  },
  MOSAIC_ERR_AUDIT_WITNESS_UNKNOWN_ORIGIN: { status: 404, message: 'This witness does not follow that log.' },
  MOSAIC_ERR_AUDIT_WITNESS_BAD_SIGNATURE: {
    status: 403,
    message: 'The checkpoint is not signed by the log key this witness knows.',
  },
  MOSAIC_ERR_AUDIT_WITNESS_CONFLICT: {
    status: 409,
    message: 'The old size does not match the latest size this witness recorded.',
  },
  MOSAIC_ERR_AUDIT_WITNESS_BAD_PROOF: {
    status: 422,
    message: 'The consistency proof does not verify.',
  },
  MOSAIC_ERR_AUDIT_WITNESS_SPLIT_VIEW: {
    status: 422,
    message: 'The log signed two checkpoints of the same size with different roots.',
  },
} as const satisfies Record<string, ErrorSpec>;
