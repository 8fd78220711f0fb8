import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ERROR_CODE_PATTERN,
  ERRORS,
  MosaicError,
  toProblem,
  validateProblem,
} from '../../contracts/index.js';

const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map<string, number>();
for (const m of docs.matchAll(/^\|\s*`(MOSAIC_ERR_[A-Z0-9_]+)`\s*\|\s*(\d{3})\s*\|/gm)) {
  documented.set(m[1]!, Number(m[2]));
}

describe('error registry', () => {
  it.each(Object.entries(ERRORS))('%s is well-formed and documented with its status', (code, spec) => {
    expect(code).toMatch(ERROR_CODE_PATTERN);
    expect(spec.status).toBeGreaterThanOrEqual(400);
    expect(spec.status).toBeLessThan(600);
    expect(spec.message.length).toBeGreaterThan(5);
    expect(documented.get(code), `${code} missing from docs/errors.md`).toBe(spec.status);
  });

  it('documents no code that does not exist', () => {
    const unknown = [...documented.keys()].filter((c) => !Object.hasOwn(ERRORS, c));
    expect(unknown).toEqual([]);
  });

  it('turns a coded error into a schema-valid problem without internal detail', () => {
    const err = new MosaicError('MOSAIC_ERR_QUERY_SCHEMA', {
      detail: 'secret internal detail',
      issues: [{ path: '/aud', message: 'is required' }],
    });
    const problem = toProblem(err, '0af7651916cd43dd8448eb211c80319c');
    expect(validateProblem(problem)).toBe(true);
    expect(problem).toMatchObject({ status: 400, code: 'MOSAIC_ERR_QUERY_SCHEMA' });
    expect(JSON.stringify(problem)).not.toContain('secret');
  });

  it('reports anything unknown as an internal error and hides its message', () => {
    const problem = toProblem(new Error('database path /var/lib/x is locked'));
    expect(problem).toMatchObject({ status: 500, code: 'MOSAIC_ERR_INTERNAL' });
    expect(JSON.stringify(problem)).not.toContain('/var/lib');
  });
});
