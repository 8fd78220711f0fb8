import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalDigest, canonicalize } from '../../contracts/index.js';

describe('RFC 8785 canonical JSON', () => {
  // RFC 8785 §3.2.3 example: members sorted by UTF-16 code units, not by code points or locale.
  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Compare the text: JSON.parse would reorder the integer-like key '1' to the front.
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
    const expected = `{${order.map((k) => `${JSON.stringify(k)}:${JSON.stringify(input[k as keyof typeof input])}`).join(',')}}`;
    expect(canonicalize(input)).toBe(expected);
  });

  // RFC 8785 §3.2.2.3 and Appendix B number serialisation samples.
  it.each([
    [0, '0'],
    [-0, '0'],
    [1e21, '1e+21'],
    [1e-7, '1e-7'],
    [333333333.3333333, '333333333.3333333'],
    [9007199254740991, '9007199254740991'],
    [4.5, '4.5'],
    [0.000001, '0.000001'],
  ])('serialises %s as %s', (n, text) => {
    expect(canonicalize(n)).toBe(text);
  });

  it('matches the RFC 8785 §3.2.2 sample', () => {
    const input = {
      numbers: [333333333.3333333, 1e30, 4.5, 2e-3, 0.000000000000000000000000001],
      string: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/',
      literals: [null, true, false],
    };
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['undefined member', { a: undefined }],
    ['bigint', 1n],
    ['function', () => 1],
  ])('refuses %s', (_name, value) => {
    expect(() => canonicalize(value)).toThrow(TypeError);
  });

  it('refuses nesting deeper than 64 levels instead of overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => canonicalize(deep)).toThrow(/nesting/);
  });

  it('gives the same digest whatever the key order', () => {
    expect(canonicalDigest({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(
      canonicalDigest({ a: [1, { c: 3, d: 2 }], b: 1 }),
    );
    expect(canonicalDigest({ a: 1 })).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('prints exactly what the plain definition prints, for any JSON value', () => {
    // The definition, written the obvious way (sorted keys, JSON.stringify for every leaf); canonicalize is
    // the fast version of it.
    const reference = (v: unknown): string => {
      if (v === null || typeof v !== 'object') return JSON.stringify(v);
      if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`;
      const o = v as Record<string, unknown>;
      return `{${Object.keys(o)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${reference(o[k])}`)
        .join(',')}}`;
    };
    // Keys and strings from full Unicode (lone surrogates included), quotes, backslashes, controls; -0.
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    const tricky = fc.constantFrom(
      '"',
      '\\',
      '\u0000',
      '\u001f',
      '\u007f',
      '\ud800',
      'é',
      '1',
      '10',
      '2',
      '-0',
    );
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.oneof(text, tricky),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.oneof(text, tricky), tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, (v) => {
        expect(canonicalize(v)).toBe(reference(v));
      }),
      { numRuns: 3000 },
    );
    expect(canonicalize({ s: 'plain ASCII', n: -0, e: 1e21, f: 0.1 })).toBe(
      '{"e":1e+21,"f":0.1,"n":0,"s":"plain ASCII"}',
    );
  });
});
