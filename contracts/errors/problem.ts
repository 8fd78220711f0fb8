import { MosaicError } from './mosaic-error.js';
import { ERRORS } from './registry.js';

/** RFC 9457 problem details, as Mosaic sends them. `code` is the stable field clients branch on. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly issues?: readonly { readonly path: string; readonly message: string }[];
  readonly traceId?: string;
}

export const PROBLEM_TYPE_BASE = 'urn:mosaic:error:';

/**
 * The one place an error becomes what a caller sees: code, status and public message. Anything that is not a
 * MosaicError is reported as MOSAIC_ERR_INTERNAL; its detail belongs in the log, never here.
 */
export function toProblem(err: unknown, traceId?: string): Problem {
  const known = err instanceof MosaicError ? err : new MosaicError('MOSAIC_ERR_INTERNAL');
  const spec = ERRORS[known.code];
  return {
    type: PROBLEM_TYPE_BASE + known.code,
    title: spec.message,
    status: spec.status,
    code: known.code,
    ...(known.issues.length > 0
      ? { issues: known.issues.map((i) => ({ path: i.path, message: i.message })) }
      : {}),
    ...(traceId === undefined ? {} : { traceId }),
  };
}
