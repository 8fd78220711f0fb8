import { describe, expect, it } from 'vitest';
import {
  areNicknames,
  loose,
  metaphone,
  normaliseName,
  normaliseOrganisation,
  phoneticKeys,
  skeleton,
} from '../../../matching/index.js';
import { HOSTILE } from '../hostile.js';

describe('name normalisation', () => {
  it.each(HOSTILE)('survives %s', (_n, input) => {
    const n = normaliseName({ full: input });
    for (const t of [...n.given, ...n.family]) expect(t).toMatch(/^[a-z0-9]+$/);
    expect(() => phoneticKeys(input.slice(0, 100))).not.toThrow();
    expect(normaliseOrganisation(input).every((t) => /^[a-z0-9]+$/.test(t))).toBe(true);
  });

  it('splits full names, "Family, Given" and drops honorifics', () => {
    expect(normaliseName({ full: 'Dr. Ionuț Popescu' })).toEqual({
      given: ['ionut'],
      family: ['popescu'],
      sorted: ['ionut', 'popescu'],
    });
    expect(normaliseName({ full: 'Popescu, Ionuț' }).family).toEqual(['popescu']);
  });

  it('is token-order independent in its sorted form', () => {
    expect(normaliseName({ full: 'Popescu Ionut' }).sorted).toEqual(
      normaliseName({ full: 'Ionut Popescu' }).sorted,
    );
  });

  it('gives Cyrillic and Latin spellings of one name a shared phonetic key', () => {
    const a = phoneticKeys('popesku');
    const b = phoneticKeys('popescu');
    expect(a.some((k) => b.includes(k))).toBe(true);
    expect(loose('ionuts')).toBe(loose('ionut'));
  });

  it('meets transliterated Arabic and its vowelled spellings on the consonant skeleton (§3.5)', () => {
    expect(skeleton('mhmd')).toBe(skeleton('mohammed'));
    expect(skeleton('muhammad')).toBe(skeleton('mohamed'));
    expect(metaphone('mohammed')).toContain('MHMT');
  });

  it('knows nicknames in both directions and not unrelated names', () => {
    expect(areNicknames('bob', 'robert')).toBe(true);
    expect(areNicknames('robert', 'bob')).toBe(true);
    expect(areNicknames('bob', 'rob')).toBe(true);
    expect(areNicknames('bob', 'mary')).toBe(false);
  });

  it('drops legal forms from organisation names', () => {
    expect(normaliseOrganisation('ACME Trading S.R.L.')).toEqual(normaliseOrganisation('Acme trading srl'));
    expect(normaliseOrganisation('The Acme Trading Ltd')).toEqual(['acme', 'trading']);
  });
});
