import type { ErrorSpec } from '../spec.js';

/** The analyst, disclosure-officer and auditor API (`/api/v1/`). */
export const apiErrors = {
  MOSAIC_ERR_AUTH_MISSING: { status: 401, message: 'A bearer token is required.' },
  MOSAIC_ERR_AUTH_INVALID: { status: 401, message: 'The token is not valid.' },
  MOSAIC_ERR_AUTH_FORBIDDEN: { status: 403, message: 'Your role may not use this endpoint.' },
  MOSAIC_ERR_API_VALIDATION: { status: 400, message: 'The request does not match the API schema.' },
  MOSAIC_ERR_API_NOT_FOUND: { status: 404, message: 'No such resource, or not yours to see.' },
  MOSAIC_ERR_API_UNKNOWN_PEER: { status: 400, message: 'A target peer or group is not in the trust list.' },
  MOSAIC_ERR_API_NO_TARGETS: { status: 400, message: 'The search has no peer to ask.' },
  MOSAIC_ERR_API_CONFLICT: { status: 409, message: 'The resource is not in a state that allows this.' },
  MOSAIC_ERR_USER_EXISTS: { status: 409, message: 'A user with that name already exists.' },
  MOSAIC_ERR_SEARCH_RATE_LIMITED: {
    status: 429,
    message: 'You started too many searches in the last minute; wait and try again.',
  },
  MOSAIC_ERR_SEARCH_DAILY_LIMIT: {
    status: 429,
    message: 'You reached the number of searches allowed per day.',
  },
} as const satisfies Record<string, ErrorSpec>;
