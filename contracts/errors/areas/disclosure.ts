import type { ErrorSpec } from '../spec.js';

/** Step 2: asking a hit's owner for the full record. */
export const disclosureErrors = {
  MOSAIC_ERR_DISCLOSURE_SCHEMA: { status: 400, message: 'The disclosure request does not match the schema.' },
  MOSAIC_ERR_DISCLOSURE_UNKNOWN_REF: {
    status: 404,
    message: 'No hit with this reference was given to the requesting agency.',
  },
  MOSAIC_ERR_DISCLOSURE_DECIDED: { status: 409, message: 'The disclosure request has already been decided.' },
} as const satisfies Record<string, ErrorSpec>;
