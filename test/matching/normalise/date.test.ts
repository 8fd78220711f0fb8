import { describe, expect, it } from 'vitest';
import { formatDate, normaliseDate } from '../../../matching/index.js';
import { HOSTILE } from '../hostile.js';

const iso = (s: string, o?: 'dmy' | 'mdy' | 'ymd') => normaliseDate(s, o).readings.map(formatDate);

describe('date normalisation', () => {
  it.each(HOSTILE)('survives %s with no readings', (_n, input) => {
    expect(normaliseDate(input).readings).toEqual([]);
  });

  it.each([
    ['1981', ['1981']],
    ['1981-03', ['1981-03']],
    ['03/1981', ['1981-03']],
    ['1981-03-24', ['1981-03-24']],
    ['19810324', ['1981-03-24']],
    ['24/03/1981', ['1981-03-24']],
    ['24.03.81', ['1981-03-24']],
  ])('%s → %j', (input, expected) => {
    expect(iso(input)).toEqual(expected);
  });

  it('keeps both readings of an ambiguous day/month, and only the hinted one with a hint', () => {
    expect(iso('03/04/1981')).toEqual(['1981-04-03', '1981-03-04']);
    expect(iso('03/04/1981', 'mdy')).toEqual(['1981-03-04']);
    expect(iso('03/04/1981', 'dmy')).toEqual(['1981-04-03']);
  });

  it.each(['1981-02-30', '1981-13-01', '0000-01-01', '31/31/1981', '99999999'])(
    'rejects impossible %s',
    (s) => {
      expect(normaliseDate(s).readings).toEqual([]);
    },
  );
});
