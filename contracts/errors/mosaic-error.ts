import { ERRORS, type ErrorCode } from './registry.js';

/** One problem found while validating a document: where, and what. */
export interface Issue {
  /** JSON Pointer into the document (RFC 6901), '' for the root. */
  readonly path: string;
  readonly message: string;
  /** Source file and line, where the document came from a file. */
  readonly file?: string;
  readonly line?: number;
}

export interface MosaicErrorOptions {
  /** Internal detail for the log only; never sent to a caller. */
  readonly detail?: string;
  /** Problems that callers may see (e.g. schema paths of their own request). */
  readonly issues?: readonly Issue[];
  readonly cause?: unknown;
}

/**
 * An error caused by untrusted input or the environment, carrying a stable code. Programming mistakes
 * throw TypeError instead (CONVENTIONS §4).
 */
export class MosaicError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly issues: readonly Issue[];

  constructor(code: ErrorCode, options: MosaicErrorOptions = {}) {
    const spec = ERRORS[code];
    super(spec.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MosaicError';
    this.code = code;
    this.status = spec.status;
    this.detail = options.detail;
    this.issues = options.issues ?? [];
  }
}

export function isMosaicError(err: unknown): err is MosaicError {
  return err instanceof MosaicError;
}
