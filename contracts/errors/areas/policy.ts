import type { ErrorSpec } from '../spec.js';

/**
 * Sharing policies: loading, signing and testing a bundle. These are operator-side problems (a bad file on
 * the node's own disk), hence 500 like configuration; a policy *denial* is not an error but a Decision with a
 * reason code (CONVENTIONS §4: a bad signature and a policy denial are different families).
 */
export const policyErrors = {
  MOSAIC_ERR_POLICY_INVALID: {
    status: 500,
    message: 'The policy bundle is invalid; nothing from it was loaded.',
  },
  MOSAIC_ERR_POLICY_NOT_FOUND: {
    status: 500,
    message: 'The policy bundle directory, its manifest or its policy files are missing.',
  },
  MOSAIC_ERR_POLICY_SIGNATURE_MISSING: {
    status: 500,
    message: 'The policy bundle must be signed but carries no signature.',
  },
  MOSAIC_ERR_POLICY_BAD_SIGNATURE: {
    status: 500,
    message: 'The policy bundle signature does not verify with the policy-officer key.',
  },
  MOSAIC_ERR_POLICY_KEY_INVALID: {
    status: 500,
    message: 'The policy-officer key is not a P-256 (ES256) key.',
  },
  MOSAIC_ERR_POLICY_TESTS_INVALID: { status: 500, message: 'A policy test file is invalid.' },
  MOSAIC_ERR_POLICY_TESTS_EMPTY: { status: 500, message: 'The policy bundle has no test cases.' },
  MOSAIC_ERR_POLICY_NOT_LOADED: { status: 503, message: 'No policy bundle is active.' },
} as const satisfies Record<string, ErrorSpec>;
