import { auditErrors } from './areas/audit.js';
import { matchingErrors } from './areas/matching.js';
import { apiErrors } from './areas/api.js';
import { disclosureErrors } from './areas/disclosure.js';
import { nodeErrors } from './areas/node.js';
import { peerClientErrors } from './areas/peer-client.js';
import { policyErrors } from './areas/policy.js';
import { transportErrors } from './areas/transport.js';
import { trustErrors } from './areas/trust.js';
import type { ErrorSpec } from './spec.js';

/**
 * Every error code Mosaic can emit. Each area lives in `areas/`; adding an area means adding it here and
 * documenting its codes in docs/errors.md (a test enforces both).
 */
export const ERRORS = Object.freeze({
  ...transportErrors,
  ...trustErrors,
  ...peerClientErrors,
  ...nodeErrors,
  ...apiErrors,
  ...disclosureErrors,
  ...auditErrors,
  ...matchingErrors,
  ...policyErrors,
} as const satisfies Record<string, ErrorSpec>);

export type ErrorCode = keyof typeof ERRORS;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERRORS, code);
}
