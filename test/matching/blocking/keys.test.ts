import { describe, expect, it } from 'vitest';
import { blockingKeys, MemoryIndex, prepareFeatures, retrieve } from '../../../matching/index.js';

const person = (a: Record<string, string>) => prepareFeatures('person', a, { defaultRegion: 'RO' });

describe('blocking keys', () => {
  it('share a key between a Cyrillic record and its Latin spelling with a swapped birth date', () => {
    const a = blockingKeys(person({ givenName: 'Ionuț', familyName: 'Popescu', birthDate: '1981-03-04' }));
    const b = blockingKeys(person({ fullName: 'Йонуц Попеску', birthDate: '04/03/1981' }));
    expect(a.filter((k) => b.includes(k)).length).toBeGreaterThan(0);
  });

  it('still share a key when the surname is misspelt and the birth date is missing', () => {
    const a = blockingKeys(person({ givenName: 'Maria', familyName: 'Ionescu', birthDate: '1990' }));
    const b = blockingKeys(person({ givenName: 'Maria', familyName: 'Ionesku' }));
    expect(a.filter((k) => b.includes(k)).length).toBeGreaterThan(0);
  });

  it('emit identifier keys in normalised form', () => {
    const k = blockingKeys(person({ fullName: 'X Y', phone: '0721 234 567', email: 'A.B+x@gmail.com' }));
    expect(k).toContain('ph:+40721234567');
    expect(k).toContain('em:ab@gmail.com');
    const acc = blockingKeys(prepareFeatures('account', { iban: 'ro49 aaaa 1b31 0075 9384 0000' }));
    expect(acc).toContain('iban:RO49AAAA1B31007593840000');
  });

  // Pairs of the kind Splink's fake_1000 holds (test/data/splink, MIT): one name token, a town with a slip,
  // a birth date off by years, and nothing else in common.
  it('share a key through one name token and the letters of a misspelt town, names swapped or not', () => {
    const shared = (a: Record<string, string>, b: Record<string, string>) => {
      const kb = blockingKeys(person(b));
      return blockingKeys(person(a)).filter((k) => kb.includes(k));
    };
    expect(
      shared(
        { givenName: 'Theodore', familyName: 'Mosrir', birthDate: '1978-09-19', city: 'Birminghaim' },
        { givenName: 'Theodore', familyName: 'Morris', birthDate: '1978-09-18', city: 'Birgmhniam' },
      ),
    ).not.toEqual([]);
    expect(
      shared(
        { familyName: 'Thomas', birthDate: '1977-10-17', city: 'London' },
        { givenName: 'Thomas', familyName: 'Gabriel', birthDate: '1976-09-15', city: 'Loodon' },
      ),
    ).toEqual([expect.stringMatching(/^nl:/)]);
    // Another town with other letters does not.
    expect(
      shared(
        { familyName: 'Thomas', birthDate: '1977-10-17', city: 'Leeds' },
        { givenName: 'Thomas', familyName: 'Gabriel', birthDate: '1976-09-15', city: 'London' },
      ),
    ).toEqual([]);
  });

  it('share the e-mail local part when the domain has a typo, but not a short one', () => {
    const a = blockingKeys(person({ fullName: 'Arthur Booth', email: 'arthurbooth25@romero-onovan.com' }));
    expect(a).toContain('el:arthurbooth25');
    expect(blockingKeys(person({ email: 'arthurbooth25@romero-donovan.com' }))).toContain('el:arthurbooth25');
    expect(blockingKeys(person({ email: 'e.e@day.com' })).some((k) => k.startsWith('el:'))).toBe(false);
  });

  it('emit nothing for an empty record', () => {
    expect(blockingKeys(person({}))).toEqual([]);
  });
});

describe('candidate retrieval', () => {
  it('skips keys held by more records than maxPerKey (generic values) and bounds the union', () => {
    const index = new Map<string, string[]>([
      ['shared', Array.from({ length: 50 }, (_, i) => `r${i}`)],
      ['rare', ['r1', 'x']],
    ]);
    const got = retrieve(['shared', 'rare'], (k, limit) => (index.get(k) ?? []).slice(0, limit), {
      maxPerKey: 10,
      maxCandidates: 1,
    });
    expect(got.keysSkipped).toBe(1);
    expect(got.keysUsed).toBe(1);
    expect(got.ids).toHaveLength(1);
  });

  it('reaches records only through keys: a record sharing no key is never a candidate', () => {
    const idx = new MemoryIndex();
    idx.add('a', person({ givenName: 'Ana', familyName: 'Pop', birthDate: '1990-01-01' }));
    idx.add('b', person({ givenName: 'Zed', familyName: 'Quux', birthDate: '1950-12-12' }));
    expect(
      idx.candidates(person({ givenName: 'Ana', familyName: 'Pop', birthDate: '1990-01-01' })).ids,
    ).toEqual(['a']);
  });
});
