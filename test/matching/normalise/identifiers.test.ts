import { describe, expect, it } from 'vitest';
import {
  normaliseBic,
  normaliseCode,
  normaliseEmail,
  normaliseIban,
  normalisePhone,
} from '../../../matching/index.js';
import { HOSTILE } from '../hostile.js';

describe('phones', () => {
  it.each(HOSTILE)('survive %s', (_n, input) => {
    const p = normalisePhone(input, 'RO');
    expect(p.e164).toBeUndefined();
    expect(p.digits).toMatch(/^[0-9]*$/);
  });

  it.each([
    ['0721 234 567', 'RO', '+40721234567'],
    ['+40 (721) 234-567', undefined, '+40721234567'],
    ['0040721234567', undefined, '+40721234567'],
    ['020 7946 0018', 'GB', '+442079460018'],
  ])('%s in %s → %s', (input, region, e164) => {
    expect(normalisePhone(input, region).e164).toBe(e164);
  });

  it('keeps only digits of a number without a region', () => {
    expect(normalisePhone('0721 234 567')).toEqual({ digits: '0721234567' });
  });
});

describe('IBAN, BIC, codes', () => {
  it('validates IBANs written with spaces and lower case', () => {
    expect(normaliseIban('ro49 aaaa 1b31 0075 9384 0000')).toEqual({
      value: 'RO49AAAA1B31007593840000',
      valid: true,
    });
    expect(normaliseIban('RO49AAAA1B31007593840001')?.valid).toBe(false);
    expect(normaliseIban('')).toBeUndefined();
  });

  it('treats the XXX branch as the head office BIC', () => {
    expect(normaliseBic('DEUTDEFFXXX')).toEqual({ value: 'DEUTDEFF', valid: true });
    expect(normaliseBic('nope')).toBeUndefined();
  });

  it('strips separators and folds confusable characters on plates and documents', () => {
    expect(normaliseCode('B-123-OIL')).toBe(normaliseCode('8 123 011'));
    expect(normaliseCode('ab.0i2')).toBe(normaliseCode('AB 012'));
  });

  it.each(HOSTILE)('codes survive %s', (_n, input) => {
    expect(normaliseCode(input)).toMatch(/^[A-Z0-9]*$/);
    expect(() => normaliseIban(input)).not.toThrow();
  });
});

describe('emails', () => {
  it('lower-cases and derives the provider-canonical key separately', () => {
    expect(normaliseEmail(' Ion.Popescu+ads@GoogleMail.com ')).toEqual({
      address: 'ion.popescu+ads@googlemail.com',
      canonical: 'ionpopescu@gmail.com',
      local: 'ion.popescu+ads',
      domain: 'gmail.com',
    });
    expect(normaliseEmail('a.b+x@example.org')?.canonical).toBe('a.b+x@example.org');
  });

  it.each(HOSTILE)('survive %s', (_n, input) => {
    const e = normaliseEmail(input);
    if (e !== undefined) expect(e.canonical).toBe(e.canonical.toLowerCase());
    const sql = normaliseEmail("x'; DROP TABLE records;--@evil.example");
    expect(sql).toBeUndefined();
  });

  it.each(['', 'no-at', '@x.org', 'a@', 'a b@c.d'])('rejects %j', (s) => {
    expect(normaliseEmail(s)).toBeUndefined();
  });
});
