import { describe, expect, it } from 'vitest';
import { foldText, MAX_INPUT_CHARS, stripInvisible, toAscii, tokens } from '../../../matching/index.js';
import { HOSTILE } from '../hostile.js';

describe('text normalisation', () => {
  it.each(HOSTILE)('survives %s', (_name, input) => {
    const out = foldText(input);
    expect(out).toMatch(/^[a-z0-9 ]*$/);
    expect(out.length).toBeLessThanOrEqual(MAX_INPUT_CHARS * 4);
    expect(tokens(input).every((t) => t.length > 0)).toBe(true);
  });

  it.each([
    ['Ionuț Popescu', 'ionut popescu'],
    ['IONUȚ  POPESCU', 'ionut popescu'],
    ['Ştefan Ţurcanu', 'stefan turcanu'],
    ['Йонуц Попеску', 'ionuts popesku'],
    ['Олександр Щербак', 'oleksandr shcherbak'],
    ['Ζωή Παπαδοπούλου', 'zoi papadopoulou'],
    ['Øyvind Ærø', 'oyvind aero'],
    ["O'Brien", 'obrien'],
    ['ﬁona', 'fiona'], // NFKC ligature
    ['Ｊｏｈｎ', 'john'], // full-width
  ])('folds %s → %s', (input, expected) => {
    expect(foldText(input)).toBe(expected);
  });

  it('removes zero-width and bidi controls so look-alike strings become equal', () => {
    expect(foldText('Io\u200Bnuț\u202E')).toBe(foldText('Ionuț'));
    expect(stripInvisible('a\u200Bb\u2066c\u2069')).toBe('abc');
  });

  it('transliterates Arabic to its consonants', () => {
    expect(toAscii('محمد')).toBe('mhmd');
  });
});
