import type { ErrorSpec } from '../spec.js';

/** Step 2: asking a hit's owner for the full record. */
export const disclosureErrors = {
  MOSAIC_ERR_DISCLOSURE_SCHEMA: { status: 400, message: 'The disclosure request does not match the schema.' },
  MOSAIC_ERR_DISCLOSURE_UNKNOWN_REF: {
    status: 404,
    message: 'No hit with this reference was given to the requesting agency.',
  },
  MOSAIC_ERR_DISCLOSURE_DECIDED: { status: 409, message: 'The disclosure request has already been decided.' },
  MOSAIC_ERR_DISCLOSURE_ALREADY_OPEN: {
    status: 409,
    message: 'A request for this hit reference is still open.',
  },
  MOSAIC_ERR_DISCLOSURE_TOO_MANY_OPEN: {
    status: 429,
    message: "Too many of the requesting agency's disclosure requests are waiting for a decision.",
  },
  MOSAIC_ERR_DISCLOSURE_EXPIRED: {
    status: 410,
    message: 'The record can no longer be released: the hit reference or the retention has ended.',
  },
  MOSAIC_ERR_DISCLOSURE_DELIVERY_LIMIT: {
    status: 409,
    message: 'The released record has been delivered as many times as allowed.',
  },
  MOSAIC_ERR_DISCLOSURE_WITHHELD: {
    status: 409,
    message: 'The policy now withholds the record; the request was refused.',
  },
  MOSAIC_ERR_DISCLOSURE_RECORD_CHANGED: {
    status: 409,
    message: 'What the approval would release changed since it was shown; review it and decide again.',
  },
  MOSAIC_ERR_DISCLOSURE_OUT_OF_CASE: {
    status: 422,
    message: 'The hit reference was not returned to a search of this case, peer and purpose.',
  },
} as const satisfies Record<string, ErrorSpec>;
