import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { MosaicError, type Issue } from './errors/mosaic-error.js';
import type { ErrorCode } from './errors/registry.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * One Ajv instance for the process: schemas compile once, at import time of the module that declares them.
 * `allErrors` so an operator sees every problem in one pass (CONVENTIONS §6).
 */
const ajv = new Ajv2020({
  allErrors: true,
  strict: true,
  discriminator: true,
  useDefaults: true,
  // Coercion would hide type errors in untrusted input.
  coerceTypes: false,
});
addFormats(ajv);

export interface Validator<T> {
  (data: unknown): data is T;
  /** Problems from the last failed call, as JSON Pointer paths and messages. */
  issues(): Issue[];
}

/** Compile a schema once. Call at module scope, never per request. */
export function compileSchema<T>(schema: object): Validator<T> {
  const fn: ValidateFunction = ajv.compile(schema);
  const validator = ((data: unknown) => fn(data)) as Validator<T>;
  validator.issues = () => toIssues(fn.errors ?? []);
  return validator;
}

/** Validate or throw a MosaicError with every issue found. */
export function assertValid<T>(validator: Validator<T>, data: unknown, code: ErrorCode): T {
  if (validator(data)) return data;
  throw new MosaicError(code, { issues: validator.issues() });
}

function toIssues(errors: ErrorObject[]): Issue[] {
  return errors.map((e) => {
    let path = e.instancePath;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty?: unknown }).additionalProperty);
      path = `${path}/${escapePointer(extra)}`;
      message = 'is not allowed (unknown key)';
    } else if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty?: unknown }).missingProperty);
      path = `${path}/${escapePointer(missing)}`;
      message = 'is required';
    }
    return { path, message };
  });
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
