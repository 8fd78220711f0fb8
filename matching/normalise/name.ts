import { metaphone, skeleton } from './phonetic.js';
import { foldText, tokens } from './text.js';

/** A person or organisation name after normalisation; tokens are folded ASCII. */
export interface NormalisedName {
  given: string[];
  family: string[];
  /** Every token, sorted: equal for "Popescu Ionut" and "Ionut Popescu" (token-order independence). */
  sorted: string[];
}

/**
 * Name particles and honorifics that carry no identity; kept out of the family/given tokens so that
 * "Dr. Maria de la Cruz" and "Maria Cruz" compare on what matters.
 */
const NOISE = new Set(['mr', 'mrs', 'ms', 'miss', 'dr', 'prof', 'sir', 'jr', 'sr', 'ii', 'iii']);

function clean(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return tokens(raw).filter((t) => !NOISE.has(t));
}

/**
 * Normalise a name from any combination of full, given and family parts. A full name alone is split as
 * "Family, Given" when it has a comma, else the last token is the family name; comparison also tries the
 * swapped order, so a wrong guess costs little.
 */
export function normaliseName(parts: { full?: string; given?: string; family?: string }): NormalisedName {
  let given = clean(parts.given);
  let family = clean(parts.family);
  if (given.length === 0 && family.length === 0 && parts.full !== undefined) {
    const comma = parts.full.indexOf(',');
    if (comma > 0) {
      family = clean(parts.full.slice(0, comma));
      given = clean(parts.full.slice(comma + 1));
    } else {
      const all = clean(parts.full);
      family = all.slice(-1);
      given = all.slice(0, -1);
    }
  }
  const sorted = [...given, ...family].sort();
  return { given, family, sorted };
}

/**
 * A looser spelling used by the phonetic level: common transliteration digraphs collapse (ts/tz→t after a
 * vowel-consonant boundary is too clever; we fold whole digraphs), y/j→i, double letters collapse. Makes
 * "yonuts" (from Йонуц) and "ionut" meet, and "popesku"/"popescu".
 */
export function loose(token: string): string {
  const s = token
    .replace(/sch|sh|sz/g, 's')
    .replace(/tsch|tch|ch|cz/g, 'c')
    .replace(/kh/g, 'h')
    .replace(/zh/g, 'j')
    .replace(/ts$|tz$/g, 't')
    .replace(/ks|cs/g, 'x')
    .replace(/ph/g, 'f')
    .replace(/[kq]/g, 'c')
    .replace(/w/g, 'v')
    .replace(/[yj]/g, 'i');
  let out = '';
  for (const ch of s) if (out[out.length - 1] !== ch) out += ch;
  return out;
}

/** Phonetic keys of one token: Double Metaphone codes plus the consonant skeleton. */
export function phoneticKeys(token: string): string[] {
  const keys = metaphone(token);
  const sk = skeleton(token);
  if (sk !== '') keys.push(`~${sk}`);
  return keys;
}

/** Fold an organisation name and drop legal-form suffixes that vary between registers. */
const LEGAL_FORMS = new Set([
  'ltd',
  'limited',
  'llc',
  'inc',
  'corp',
  'co',
  'srl',
  'sa',
  'sas',
  'gmbh',
  'ag',
  'bv',
  'nv',
  'plc',
  'ooo',
  'oy',
  'ab',
  'as',
  'spa',
  'sro',
  'kft',
  'doo',
  'the',
]);
export function normaliseOrganisation(raw: string): string[] {
  // Initialisms written with dots ("S.R.L.", "G.m.b.H") fold to single letters; join runs of them first.
  const joined = foldText(raw).replace(/\b(?:[a-z] )+[a-z]\b/g, (m) => m.replace(/ /g, ''));
  return joined
    .split(' ')
    .filter((t) => t !== '' && !LEGAL_FORMS.has(t))
    .sort();
}
