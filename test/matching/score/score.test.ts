import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splinkRecords } from '../../../matching/eval/run.js';
import {
  bandOf,
  DEFAULT_SCORING,
  MemoryIndex,
  prepareFeatures,
  scoreOf,
  scorePair,
  scoreWeight,
  scoringConfig,
  type TermFrequencies,
} from '../../../matching/index.js';

const p = (a: Record<string, string>) => prepareFeatures('person', a, { defaultRegion: 'RO' });
const level = (r: ReturnType<typeof scorePair>, field: string) =>
  r.evidence.find((e) => e.field === field)?.level;

describe('Fellegi–Sunter scoring', () => {
  it('matches the issue example across scripts, spellings and date order, with per-field evidence', () => {
    const q = p({ givenName: 'Ionuț', familyName: 'Popescu', birthDate: '1981-03-04' });
    for (const c of [
      p({ givenName: 'Ionut', familyName: 'Popesku', birthDate: '04/03/1981' }),
      p({ fullName: 'Йонуц Попеску', birthDate: '1981-03-04' }),
    ]) {
      const r = scorePair(q, c);
      expect(r.band).toBe('match');
      expect(r.evidence.map((e) => e.field)).toEqual(['given', 'family', 'dob']);
      const sum = r.evidence.reduce((s, e) => s + e.weight, DEFAULT_SCORING.priorWeight);
      expect(r.weight).toBeCloseTo(sum, 1);
      expect(r.matchKey).toBe('+NAME+DOB');
      expect(r.score).toBeGreaterThan(0.5);
    }
  });

  it('labels comparison levels: exact, nickname, close, phonetic, missing, different', () => {
    expect(level(scorePair(p({ givenName: 'Robert' }), p({ givenName: 'Robert' })), 'given')).toBe('exact');
    expect(level(scorePair(p({ givenName: 'Bob' }), p({ givenName: 'Robert' })), 'given')).toBe('nickname');
    expect(level(scorePair(p({ familyName: 'Martha' }), p({ familyName: 'Marhta' })), 'family')).toBe(
      'close',
    );
    expect(level(scorePair(p({ familyName: 'Mohammed' }), p({ fullName: 'x محمد' })), 'family')).toBe(
      'phonetic',
    );
    expect(
      level(scorePair(p({ familyName: 'Smith', phone: '0721234567' }), p({ familyName: 'Smith' })), 'phone'),
    ).toBe('missing');
    expect(level(scorePair(p({ familyName: 'Smith' }), p({ familyName: 'Ionescu' })), 'family')).toBe(
      'different',
    );
  });

  it('detects swapped given and family names', () => {
    const r = scorePair(
      p({ givenName: 'Popescu', familyName: 'Ionut' }),
      p({ givenName: 'Ionut', familyName: 'Popescu' }),
    );
    expect(level(r, 'given')).toBe('swapped');
    expect(level(r, 'family')).toBe('swapped');
  });

  it('scores a disagreeing birth date down and lists it with a minus in the match key', () => {
    const r = scorePair(
      p({ givenName: 'Ana', familyName: 'Pop', birthDate: '1990-01-01' }),
      p({ givenName: 'Ana', familyName: 'Pop', birthDate: '1950-07-09' }),
    );
    expect(r.evidence.find((e) => e.field === 'dob')!.weight).toBeLessThan(0);
    expect(r.matchKey).toBe('+NAME-DOB');
  });

  it('weights a rare surname above a common one (term frequency)', () => {
    const idx = new MemoryIndex();
    for (let i = 0; i < 200; i++) idx.add(`s${i}`, p({ familyName: 'Smith', givenName: `g${i}` }));
    for (let i = 0; i < 2000; i++) idx.add(`o${i}`, p({ familyName: `other${i}`, givenName: 'x' }));
    idx.add('r', p({ familyName: 'Zbarcea', givenName: 'x' }));
    const common = scorePair(p({ familyName: 'Smith' }), p({ familyName: 'Smith' }), idx);
    const rare = scorePair(p({ familyName: 'Zbarcea' }), p({ familyName: 'Zbarcea' }), idx);
    expect(rare.weight).toBeGreaterThan(common.weight);
    expect(common.evidence[0]!.tfAdjustment).toBeLessThan(0);
    expect(rare.evidence[0]!.tfAdjustment).toBeGreaterThan(0);
  });

  it('suppresses a generic phone shared by many records to weak evidence', () => {
    const tf: TermFrequencies = { total: 10_000, count: (f) => (f === 'phone' ? 300 : 1) };
    const q = p({ fullName: 'A B', phone: '0721234567' });
    const r = scorePair(q, p({ fullName: 'C D', phone: '+40 721 234 567' }), tf);
    const e = r.evidence.find((x) => x.field === 'phone')!;
    expect(e).toMatchObject({ level: 'generic', generic: true });
    const unique = scorePair(q, p({ fullName: 'C D', phone: '+40 721 234 567' }));
    expect(e.weight).toBeLessThan(unique.evidence.find((x) => x.field === 'phone')!.weight);
  });

  it('bands by configurable thresholds', () => {
    const q = p({ givenName: 'Ana', familyName: 'Pop' });
    const strict = scoringConfig({ thresholds: { match: 100, possible: 50 } });
    expect(scorePair(q, q, undefined, strict).band).toBe('non-match');
    expect(() => scoringConfig({ thresholds: { match: 0, possible: 1 } })).toThrow(TypeError);
    expect(() => scoringConfig({ levels: { given: { exact: { m: 0, u: 0.1 } } } })).toThrow(TypeError);
  });

  it('matches identifiers: IBAN, plate with confusables, e-mail canonical form', () => {
    const acc = (a: Record<string, string>) => prepareFeatures('account', a);
    expect(
      scorePair(acc({ iban: 'RO49 AAAA 1B31 0075 9384 0000' }), acc({ iban: 'ro49aaaa1b31007593840000' }))
        .band,
    ).toBe('match');
    const veh = (a: Record<string, string>) => prepareFeatures('vehicle', a);
    expect(level(scorePair(veh({ plate: 'B-123-OIL' }), veh({ plate: 'B 123 0IL' })), 'plate')).toBe('exact');
    const r = scorePair(p({ email: 'ion.pop+x@gmail.com' }), p({ email: 'ionpop@gmail.com' }));
    expect(level(r, 'email')).toBe('canonical');
  });
});

describe('scoreWeight (the retrieval fast path)', () => {
  it('gives exactly the weight scorePair gives, over every blocked pair of Splink fake_1000', () => {
    // Splink's fake_1000 (MIT, test/data/splink/LICENSE-splink_datasets.txt): corrupted names, dates, towns,
    // e-mails; every pair its blocking keys bring together, with its term frequencies.
    const records = splinkRecords(join(import.meta.dirname, '../../data/splink/fake_1000.csv'));
    const index = new MemoryIndex();
    const feats = records.map((r) => prepareFeatures('person', r.attrs));
    for (const [i, f] of feats.entries()) index.add(records[i]!.id, f);
    let pairs = 0;
    const bands = new Set<string>();
    for (const q of feats) {
      for (const id of index.candidates(q).ids) {
        const c = index.features(id)!;
        const full = scorePair(q, c, index);
        const w = scoreWeight(q, c, index);
        expect(w).toBe(full.weight);
        expect(scoreOf(w)).toBe(full.score);
        expect(bandOf(w)).toBe(full.band);
        bands.add(full.band);
        pairs++;
      }
    }
    expect(pairs).toBeGreaterThan(5000);
    expect([...bands].sort()).toEqual(['match', 'non-match', 'possible']);
  });
});
