import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, jaro, jaroWinkler, withinOneEdit } from '../../../matching/index.js';

// Vectors from Winkler (1990), "String comparator metrics and enhanced decision rules in the
// Fellegi-Sunter model of record linkage", as reproduced in the Jaro–Winkler literature.
describe('Jaro-Winkler', () => {
  it.each([
    ['MARTHA', 'MARHTA', 0.944, 0.961],
    ['DWAYNE', 'DUANE', 0.822, 0.84],
    ['DIXON', 'DICKSONX', 0.767, 0.813],
  ])('%s / %s', (a, b, j, jw) => {
    expect(jaro(a, b)).toBeCloseTo(j, 3);
    expect(jaroWinkler(a, b)).toBeCloseTo(jw, 3);
  });

  it('handles empty and identical strings', () => {
    expect(jaroWinkler('', '')).toBe(1);
    expect(jaroWinkler('a', '')).toBe(0);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });

  it('is symmetric, bounded and 1 only for equal strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (a, b) => {
        const x = jaroWinkler(a, b);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1 + 1e-12);
        expect(Math.abs(x - jaroWinkler(b, a))).toBeLessThan(1e-12);
        if (a !== b) expect(x).toBeLessThan(1);
      }),
    );
  });

  it('copes with strings longer than its scratch buffers', () => {
    const a = 'x'.repeat(5000);
    expect(jaroWinkler(a, `${a}y`)).toBeGreaterThan(0.99);
  });
});

describe('edit distance (optimal string alignment)', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['19810312', '19810321', 1],
    ['ca', 'ac', 1],
    ['', 'abc', 3],
    ['abc', 'abc', 0],
  ])('%s / %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('stops early beyond the bound', () => {
    expect(editDistance('aaaaaaaa', 'bbbbbbbb', 1)).toBe(2);
  });

  it('withinOneEdit says exactly whether the distance is at most one', () => {
    // A two-letter alphabet and mutated copies make the near cases (one or two slips) common.
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'ă', '😀'), maxLength: 12 });
    const slip = fc
      .tuple(word, fc.nat(12), fc.nat(3), fc.constantFrom('a', 'b', 'x'))
      .map(([w, at, op, ch]) => {
        const i = Math.min(at, w.length);
        if (op === 0) return w.slice(0, i) + ch + w.slice(i);
        if (op === 1) return w.slice(0, i) + w.slice(i + 1);
        if (op === 2) return w.slice(0, i) + ch + w.slice(i + 1);
        return w.slice(0, i) + w.slice(i + 1, i + 2) + w.slice(i, i + 1) + w.slice(i + 2);
      });
    fc.assert(
      fc.property(word, slip, word, (a, b, c) => {
        for (const [x, y] of [
          [a, b],
          [b, a],
          [a, c],
          [b, c],
        ] as const) {
          expect(withinOneEdit(x, y)).toBe(editDistance(x, y, 1) <= 1);
        }
      }),
      { numRuns: 2000 },
    );
    for (const [x, y, want] of [
      ['popescu', 'popsecu', true],
      ['popescu', 'popecu', true],
      ['popescu', 'popescuu', true],
      ['popescu', 'pobescu', true],
      ['popescu', 'opepscu', false],
      ['popescu', 'popes', false],
      ['', 'a', true],
      ['', '', true],
    ] as const) {
      expect(withinOneEdit(x, y)).toBe(want);
    }
  });

  it('is symmetric and never exceeds the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBe(editDistance(b, a));
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});
