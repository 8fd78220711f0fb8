import { doubleMetaphone } from 'double-metaphone';

/** Double Metaphone primary and alternate codes of one folded token (deduplicated). */
export function metaphone(token: string): string[] {
  if (token === '') return [];
  const [a, b] = doubleMetaphone(token);
  if (a === '' && b === '') return [];
  return a === b || b === '' ? [a] : [a, b];
}

/**
 * Consonant skeleton: letters only, drop vowels and H/W/Y, fold near-equivalent consonants, collapse
 * repeats. Transliterated Arabic and Hebrew lose their vowels (محمد → mhmd), so MOHAMMED, MUHAMMAD and MHMD
 * must meet on one key (audit-crypto-matching.md §3.5); no phonetic code does that.
 */
export function skeleton(token: string): string {
  const s = token
    .toLowerCase()
    .replace(/[^a-z]/g, '')
    .replace(/ph/g, 'f')
    .replace(/[ckq]/g, 'k')
    .replace(/[sz]/g, 's')
    .replace(/v/g, 'f')
    .replace(/[aeiouhwy]/g, '');
  let out = '';
  for (const ch of s) if (out[out.length - 1] !== ch) out += ch;
  return out;
}
