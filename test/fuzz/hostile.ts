import fc from 'fast-check';
import { expect, vi } from 'vitest';
import { isMosaicError, type MosaicError } from '../../contracts/index.js';

/**
 * Shared pieces of the hostile-input suite (issue 10 §2). Every parser at an edge must end in a coded
 * MosaicError or a valid result: never a TypeError/RangeError escaping, never a hang. Runs are bounded so
 * `npm test` stays fast; `MOSAIC_DEEP=1` (npm run test:deep) multiplies them.
 */
export const DEEP = process.env['MOSAIC_DEEP'] === '1';
// Deep runs take minutes per property; the default 30 s per test is for the bounded runs.
if (DEEP) vi.setConfig({ testTimeout: 900_000 });

/** fast-check parameters: `n` runs by default, 25× as many under MOSAIC_DEEP, with a fixed seed unless deep. */
export function runs(n: number): fc.Parameters<unknown> {
  return DEEP ? { numRuns: n * 25 } : { numRuns: n, seed: 20261129 };
}

export const CODE = /^MOSAIC_ERR_[A-Z0-9_]+$/;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: MosaicError };

/** Run `fn`: a value, or a coded MosaicError. Anything else (TypeError, RangeError …) fails the property. */
export function codedOrValid<T>(fn: () => T): Outcome<T> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (!isMosaicError(err)) {
      throw new Error(`uncoded ${(err as Error)?.constructor?.name ?? typeof err}: ${String(err)}`, {
        cause: err,
      });
    }
    expect(err.code).toMatch(CODE);
    return { ok: false, error: err };
  }
}

export async function codedOrValidAsync<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (!isMosaicError(err)) {
      throw new Error(`uncoded ${(err as Error)?.constructor?.name ?? typeof err}: ${String(err)}`, {
        cause: err,
      });
    }
    expect(err.code).toMatch(CODE);
    return { ok: false, error: err };
  }
}

/** Keys that reach Object.prototype if a consumer merges them into a plain object. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'] as const;

/** Strings chosen to break parsers, comparators, SQL and display: each has a reason to be here. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  ...PROTO_KEYS,
  "Robert'); DROP TABLE records;--",
  "' OR '1'='1",
  '"; DELETE FROM seen_jti; --',
  '%_%\\',
  '*',
  '?',
  '\u0000',
  'a\u0000b',
  '\u202Eucsepop\u202C', // right-to-left override
  '\u2067محمد\u2069',
  'Io\u200Bnu\u200Dț\uFEFF', // zero-width characters
  'Ιοnut Ρopescu', // Greek capitals that look Latin
  'Іоnut Рорescu', // Cyrillic confusables
  'ｐｏｐｅｓｃｕ', // full-width
  '\uD800', // lone surrogate
  '\uDFFFabc',
  '👩‍👩‍👧💣',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell-style lookup string, on purpose
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '=cmd|/C calc!A0',
  '\r\n\r\nHTTP/1.1 200 OK',
  '1e309',
  '-0',
  'NaN',
  'a'.repeat(300),
  'x'.repeat(70_000),
];

/** A hostile string: arbitrary code units (lone surrogates included), graphemes, or one of the nasty ones. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 300 }) },
);

/** Object keys: mostly the prototype-pollution ones, some arbitrary. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...PROTO_KEYS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
);

/** Arbitrary JSON-ish values with hostile keys and strings, bounded in depth and breadth. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 53), 1e308, -0),
    hostileString,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 6 }),
  ),
})).value;

/** JSON text nested `depth` levels deep (arrays or objects), for stack-depth attacks. */
export function deeplyNested(depth: number, kind: 'array' | 'object' = 'array'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export const deepJsonText: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom<'array' | 'object'>('array', 'object'))
  .map(([d, k]) => deeplyNested(d, k));

/** Bytes that are not valid UTF-8 (a stray continuation byte, an overlong form, a truncated sequence). */
export const invalidUtf8: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.uint8Array({ maxLength: 40 }),
    fc.constantFrom([0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xff], [0xf8, 0x88, 0x80, 0x80]),
    fc.uint8Array({ maxLength: 40 }),
  )
  .map(([a, bad, b]) => new Uint8Array([...a, ...bad, ...b]));

/** The Object prototype must never gain a property from parsing hostile input. */
export function expectNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  for (const k of ['polluted', 'isAdmin', 'x', 'a']) expect(probe[k]).toBeUndefined();
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
}
