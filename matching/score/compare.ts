import { editDistance, withinOneEdit } from '../compare/edit-distance.js';
import { jaroWinkler } from '../compare/jaro-winkler.js';
import { loose } from '../normalise/name.js';
import { areNicknames } from '../normalise/nicknames.js';
import { metaphone, skeleton } from '../normalise/phonetic.js';

/** Name comparison levels from strongest to weakest; the best pair of tokens decides. */
const NAME_RANK = ['exact', 'nickname', 'close', 'phonetic', 'similar', 'initial', 'different'] as const;
export type NameLevel = (typeof NAME_RANK)[number];

export interface Compared {
  level: string;
  similarity?: number;
  /** The exactly agreeing value, for term-frequency and generic-value lookups. */
  value?: string;
}

interface PhoneticForms {
  readonly codes: readonly string[];
  readonly skeleton: string;
  readonly loose: string;
}

/**
 * The phonetic forms of a token, computed once per distinct token: a query compares its few tokens against
 * a hundred candidates whose names repeat (a dataset has far fewer distinct name tokens than records).
 * Bounded: the memo starts over when full.
 */
const FORMS = new Map<string, PhoneticForms>();
const MAX_FORMS = 50_000;

function forms(token: string): PhoneticForms {
  let f = FORMS.get(token);
  if (f === undefined) {
    if (FORMS.size >= MAX_FORMS) FORMS.clear();
    f = { codes: metaphone(token), skeleton: skeleton(token), loose: loose(token) };
    FORMS.set(token, f);
  }
  return f;
}

function phoneticAgree(a: string, b: string): boolean {
  if (a.length < 2 || b.length < 2) return false;
  const fa = forms(a);
  const fb = forms(b);
  for (const x of fa.codes) if (fb.codes.includes(x)) return true;
  if (fa.skeleton.length >= 2 && fa.skeleton === fb.skeleton) return true;
  return fa.loose === fb.loose;
}

/** Compare two folded name tokens. */
export function compareNameToken(
  a: string,
  b: string,
  nicknames: boolean,
): { level: NameLevel; sim: number } {
  if (a === b) return { level: 'exact', sim: 1 };
  if ((a.length === 1 || b.length === 1) && a[0] === b[0]) return { level: 'initial', sim: 0 };
  if (nicknames && areNicknames(a, b)) return { level: 'nickname', sim: jaroWinkler(a, b) };
  const sim = jaroWinkler(a, b);
  if (sim >= 0.92) return { level: 'close', sim };
  if (phoneticAgree(a, b)) return { level: 'phonetic', sim };
  // Jaro-Winkler is blind to a transposition deep inside a long name; one edit still means a slip.
  if (a.length >= 5 && b.length >= 5 && withinOneEdit(a, b)) return { level: 'close', sim };
  if (sim >= 0.8) return { level: 'similar', sim };
  return { level: 'different', sim };
}

/** Best level over all token pairs (token-order independence within a name part). */
export function compareNameTokens(a: readonly string[], b: readonly string[], nicknames: boolean): Compared {
  let best: NameLevel = 'different';
  let bestSim = 0;
  let value: string | undefined;
  for (const x of a) {
    for (const y of b) {
      const r = compareNameToken(x, y, nicknames);
      if (NAME_RANK.indexOf(r.level) < NAME_RANK.indexOf(best) || (r.level === best && r.sim > bestSim)) {
        best = r.level;
        bestSim = r.sim;
        if (r.level === 'exact') value = x;
      }
    }
  }
  const out: Compared = { level: best, similarity: round(bestSim) };
  if (best === 'exact' && value !== undefined) out.value = value;
  return out;
}

export function nameRank(level: string): number {
  const i = NAME_RANK.indexOf(level as NameLevel);
  return i < 0 ? NAME_RANK.length : i;
}

/** Birth dates: readings are ISO strings (several for ambiguous day/month), digits the raw digits. */
export function compareDates(
  a: { readings: readonly string[]; digits: string },
  b: { readings: readonly string[]; digits: string },
): Compared {
  for (const x of a.readings)
    for (const y of b.readings) {
      if (x.length === 10 && x === y) return { level: 'exact', value: x };
    }
  for (const x of a.readings)
    for (const y of b.readings) {
      if (x.length === y.length) continue;
      const [short, long] = x.length < y.length ? [x, y] : [y, x];
      if (long.startsWith(short)) return { level: short.length === 4 ? 'partial-year' : 'partial-month' };
    }
  for (const x of a.readings)
    for (const y of b.readings) {
      if (x.length !== 10 || y.length !== 10) {
        if (x === y) return { level: x.length === 4 ? 'partial-year' : 'partial-month' };
        continue;
      }
      if (
        x.slice(0, 4) === y.slice(0, 4) &&
        x.slice(5, 7) === y.slice(8, 10) &&
        x.slice(8, 10) === y.slice(5, 7)
      )
        return { level: 'transposed' };
    }
  const da = a.digits;
  const db = b.digits;
  if (da.length >= 6 && db.length >= 6) {
    if (da === db) return { level: 'exact', value: da };
    if (da.length === db.length && withinOneEdit(da, db)) return { level: 'close' };
  }
  // Within a month or a year (Splink's AbsoluteDateDifferenceAtThresholds): a mistyped day or month.
  let best = Number.POSITIVE_INFINITY;
  for (const x of a.readings)
    for (const y of b.readings) if (x.length === 10 && y.length === 10) best = Math.min(best, dayDiff(x, y));
  if (best <= 31) return { level: 'month' };
  if (best <= 366) return { level: 'year' };
  return { level: 'different' };
}

/** Exact identifiers (phone, IBAN, document …): any shared value agrees. */
export function compareExact(a: readonly string[], b: readonly string[]): Compared {
  for (const x of a) if (b.includes(x)) return { level: 'exact', value: x };
  return { level: 'different' };
}

/** Codes a clerk may mistype (documents, plates, VINs): one edit on a long code is "close". */
export function compareCodes(a: readonly string[], b: readonly string[]): Compared {
  for (const x of a) if (b.includes(x)) return { level: 'exact', value: x };
  for (const x of a)
    for (const y of b) if (x.length >= 6 && y.length >= 6 && withinOneEdit(x, y)) return { level: 'close' };
  return { level: 'different' };
}

/** Phones: E.164 agreement, or the last 8 digits when one side could not be put in E.164. */
export function comparePhones(a: readonly string[], b: readonly string[]): Compared {
  for (const x of a) if (b.includes(x)) return { level: 'exact', value: x };
  for (const x of a)
    for (const y of b) {
      if (!x.startsWith('#') && !y.startsWith('#')) continue;
      const dx = x.replace(/\D/g, '').slice(-8);
      const dy = y.replace(/\D/g, '').slice(-8);
      if (dx.length === 8 && dx === dy) return { level: 'digits' };
    }
  return { level: 'different' };
}

export function compareEmails(
  a: { canon: readonly string[]; raw: readonly string[] },
  b: { canon: readonly string[]; raw: readonly string[] },
): Compared {
  // The agreeing value is always the canonical form: that is what generic-value counts are keyed on.
  for (const x of a.canon)
    if (b.canon.includes(x))
      return { level: a.raw.some((r) => b.raw.includes(r)) ? 'exact' : 'canonical', value: x };
  // A typo in either part of the address (brooks-sawyer.com / brooks-sawer.com).
  let best = 0;
  for (const x of a.canon) for (const y of b.canon) best = Math.max(best, jaroWinkler(x, y));
  return best >= 0.92
    ? { level: 'close', similarity: round(best) }
    : { level: 'different', similarity: round(best) };
}

/**
 * Token-set similarity (addresses, organisation names): share of tokens of the longer side that find an
 * equal token (numbers) or a Jaro-Winkler ≥ 0.9 token (words) on the other side.
 */
export function compareTokenSets(a: readonly string[], b: readonly string[]): Compared {
  const ja = a.join(' ');
  if (ja === b.join(' ')) return { level: 'exact', value: ja, similarity: 1 };
  const sa = [...a].sort().join(' ');
  if (sa === [...b].sort().join(' ')) return { level: 'exact', value: ja, similarity: 1 };
  const used = new Uint8Array(b.length);
  let matched = 0;
  for (const x of a) {
    const numeric = /^\d+$/.test(x);
    for (let j = 0; j < b.length; j++) {
      if (used[j] === 1) continue;
      const y = b[j]!;
      if (x === y || (!numeric && !/^\d+$/.test(y) && jaroWinkler(x, y) >= 0.9)) {
        used[j] = 1;
        matched++;
        break;
      }
    }
  }
  const sim = matched / Math.max(a.length, b.length);
  const level = sim >= 0.7 ? 'close' : sim >= 0.4 ? 'partial' : 'different';
  return { level, similarity: round(sim) };
}

export function compareShortText(a: string, b: string, closeAt: number): Compared {
  if (a === b) return { level: 'exact', value: a };
  const sim = jaroWinkler(a, b);
  if (a.length >= 6 && b.length >= 6 && editDistance(a, b, 2) <= 2)
    return { level: 'close', similarity: round(sim) };
  return sim >= closeAt
    ? { level: 'close', similarity: round(sim) }
    : { level: 'different', similarity: round(sim) };
}

export function comparePostcodes(a: string, b: string): Compared {
  if (a === b) return { level: 'exact', value: a };
  return withinOneEdit(a, b) ? { level: 'close' } : { level: 'different' };
}

function dayDiff(x: string, y: string): number {
  return Math.abs(dayNumber(x) - dayNumber(y));
}

/** Days since 1970 of an ISO date, memoised: a query compares its date with a hundred candidates' dates. */
const DAYS = new Map<string, number>();

function dayNumber(s: string): number {
  let n = DAYS.get(s);
  if (n === undefined) {
    if (DAYS.size >= 100_000) DAYS.clear();
    n = Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10))) / 86_400_000;
    DAYS.set(s, n);
  }
  return n;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
