import type { ErrorSpec } from '../spec.js';

/** Failures the requesting side observes when it calls a peer. 502/504 because the peer, not the caller, failed. */
export const peerClientErrors = {
  MOSAIC_ERR_PEER_UNREACHABLE: { status: 502, message: 'The peer could not be reached.' },
  MOSAIC_ERR_PEER_TIMEOUT: { status: 504, message: 'The peer did not answer before the deadline.' },
  MOSAIC_ERR_PEER_PIN_MISMATCH: {
    status: 502,
    message: "The peer's TLS key does not match the trust list pins.",
  },
  MOSAIC_ERR_PEER_BAD_RESPONSE: {
    status: 502,
    message: "The peer's response failed verification (signature, audience or query digest).",
  },
  MOSAIC_ERR_PEER_REFUSED: { status: 502, message: 'The peer refused the query with a coded problem.' },
  // 503: not the peer's failure but this node's, which stopped before the answer came.
  MOSAIC_ERR_SEARCH_INTERRUPTED: {
    status: 503,
    message: 'The node stopped before the peer answered; the search was interrupted.',
  },
} as const satisfies Record<string, ErrorSpec>;
