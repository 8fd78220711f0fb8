import type { ErrorSpec } from '../spec.js';

/** Transport and peer authentication (TLS, JWS, query envelope), checked by the responder in this order. */
export const transportErrors = {
  MOSAIC_ERR_TLS_NO_CLIENT_CERT: { status: 401, message: 'A client certificate is required.' },
  MOSAIC_ERR_TLS_UNTRUSTED_CERT: {
    status: 401,
    message: 'The client certificate was not issued by the federation CA.',
  },
  MOSAIC_ERR_TLS_NOT_A_MEMBER: {
    status: 403,
    message: 'The client certificate does not belong to a current federation member.',
  },
  MOSAIC_ERR_JWS_MALFORMED: { status: 400, message: 'The body is not a well-formed compact JWS.' },
  MOSAIC_ERR_JWS_UNSUPPORTED_ALG: { status: 400, message: 'The JWS algorithm or header is not accepted.' },
  MOSAIC_ERR_JWS_UNKNOWN_ISSUER: { status: 401, message: 'The JWS issuer is not a federation member.' },
  MOSAIC_ERR_JWS_KEY_NOT_OF_ISSUER: {
    status: 401,
    message: "The JWS was not signed with one of the issuer's published keys.",
  },
  MOSAIC_ERR_JWS_BAD_SIGNATURE: { status: 401, message: 'The JWS signature does not verify.' },
  MOSAIC_ERR_QUERY_BINDING_MISMATCH: {
    status: 401,
    message: 'The query is not bound to the TLS client certificate it arrived with.',
  },
  MOSAIC_ERR_QUERY_WRONG_AUDIENCE: { status: 403, message: 'The query is addressed to another agency.' },
  MOSAIC_ERR_QUERY_EXPIRED: { status: 401, message: 'The query has expired.' },
  MOSAIC_ERR_QUERY_NOT_YET_VALID: { status: 401, message: 'The query was issued in the future.' },
  MOSAIC_ERR_QUERY_LIFETIME_TOO_LONG: {
    status: 400,
    message: 'The query lifetime (exp - iat) exceeds what this node accepts.',
  },
  MOSAIC_ERR_QUERY_REPLAYED: { status: 409, message: 'This query id (jti) has been seen before.' },
  MOSAIC_ERR_QUERY_SCHEMA: { status: 400, message: 'The query claims do not match the schema.' },
  MOSAIC_ERR_REQUEST_TOO_LARGE: { status: 413, message: 'The request body exceeds the size limit.' },
  MOSAIC_ERR_REQUEST_HEADERS_TOO_LARGE: {
    status: 431,
    message: 'The request headers exceed the size limit.',
  },
  MOSAIC_ERR_REQUEST_MALFORMED: { status: 400, message: 'The request body could not be parsed.' },
  MOSAIC_ERR_REQUEST_MEDIA_TYPE: { status: 415, message: 'The request content type is not accepted.' },
  MOSAIC_ERR_REQUEST_NOT_FOUND: { status: 404, message: 'No such endpoint.' },
  MOSAIC_ERR_REQUEST_METHOD: { status: 405, message: 'Method not allowed on this endpoint.' },
  MOSAIC_ERR_REQUEST_TIMEOUT: { status: 408, message: 'The request was not received in time.' },
  MOSAIC_ERR_REQUEST_RATE_LIMITED: {
    status: 429,
    message: 'Too many requests from this peer; retry after the time given.',
  },
} as const satisfies Record<string, ErrorSpec>;
