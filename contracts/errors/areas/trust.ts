import type { ErrorSpec } from '../spec.js';

/** The federation trust list and the node's own readiness to exchange. */
export const trustErrors = {
  MOSAIC_ERR_TRUST_LIST_EXPIRED: {
    status: 503,
    message: 'The trust list has expired or is older than the allowed maximum age; no exchange is possible.',
  },
  MOSAIC_ERR_TRUST_LIST_ROLLBACK: {
    status: 409,
    message: 'The trust list version is not newer than the one in force.',
  },
  MOSAIC_ERR_TRUST_LIST_BAD_SIGNATURE: {
    status: 400,
    message: 'The trust list is not signed by a federation authority key.',
  },
  MOSAIC_ERR_TRUST_LIST_INVALID: { status: 400, message: 'The trust list does not match the schema.' },
  MOSAIC_ERR_TRUST_LIST_UNAVAILABLE: { status: 503, message: 'No valid trust list is loaded.' },
  MOSAIC_ERR_TRUST_UNKNOWN_AGENCY: { status: 404, message: 'The agency is not a member of the federation.' },
} as const satisfies Record<string, ErrorSpec>;
