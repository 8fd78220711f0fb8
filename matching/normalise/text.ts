import anyAscii from 'any-ascii';

/** Longest input we normalise; longer values are truncated so a hostile selector cannot cost O(n²) later. */
export const MAX_INPUT_CHARS = 512;

// Zero-width, bidi controls, soft hyphen, BOM, Mongolian vowel separator, word joiner, variation selectors.
// Variation selectors (U+FE00–FE0F) sit in an alternation: in a class they would combine with the previous entry.
const INVISIBLE =
  /[\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF]|[\uFE00-\uFE0F]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;

/** Remove characters that are invisible but change string equality (zero-width, bidi marks, controls). */
export function stripInvisible(s: string): string {
  return s.replace(INVISIBLE, '').replace(CONTROL, ' ');
}

/**
 * Script-specific rules applied before any-ascii, where its context-free table is weak for the names we
 * see: Greek ΟΥ is one vowel (Παπαδόπουλου → papadopoulou, not papadopoyloy); a word-initial Cyrillic Й
 * before a vowel is a Latin I in Romanian/Moldovan names (Йонуц → ionuts).
 */
const GREEK_RULES: [RegExp, string][] = [
  [/ΟΥ|Ου|ου|ού|ΟΎ|Ού/g, 'ou'],
  [/ΑΥ|Αυ|αυ|αύ/g, 'av'],
  [/ΕΥ|Ευ|ευ|εύ/g, 'ev'],
  [/ΜΠ|Μπ|μπ/g, 'b'],
  [/ΝΤ|Ντ|ντ/g, 'nt'],
];
const CYRILLIC_WORD_START_J = /(^|[\s-])[Йй](?=[аеёиоуыэюяАЕЁИОУЫЭЮЯ])/g;

/** NFKC, invisible characters removed, scripts transliterated to ASCII (any-ascii plus the rules above). */
export function toAscii(input: string): string {
  let s = input.length > MAX_INPUT_CHARS ? input.slice(0, MAX_INPUT_CHARS) : input;
  s = stripInvisible(s.normalize('NFKC'));
  if (/[\u0370-\u03FF]/.test(s)) for (const [re, to] of GREEK_RULES) s = s.replace(re, to);
  if (/[\u0400-\u04FF]/.test(s)) s = s.replace(CYRILLIC_WORD_START_J, '$1I');
  // any-ascii is per character; fast path for text that is already ASCII.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ASCII range on purpose
  return /^[\x00-\x7F]*$/.test(s) ? s : anyAscii(s);
}

/** Lower-case ASCII letters and digits separated by single spaces; apostrophes vanish (O'Brien → obrien). */
export function foldText(input: string): string {
  return toAscii(input)
    .toLowerCase()
    .replace(/['`’ʼ]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Tokens of folded text, empty tokens dropped. */
export function tokens(input: string): string[] {
  const f = foldText(input);
  return f === '' ? [] : f.split(' ');
}
