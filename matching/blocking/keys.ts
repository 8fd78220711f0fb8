import type { Features } from '../features.js';
import { metaphone, skeleton } from '../normalise/phonetic.js';

/**
 * Whose keys: a stored `record`'s (indexed) or a `query`'s (looked up). They differ only where one side's
 * widening is enough (`gy`); a record compared as a query against other records uses `query`.
 */
export type KeyRole = 'record' | 'query';

/**
 * Blocking keys of one record or query. A query retrieves candidates only through these keys (DESIGN:
 * never a scan). The name keys are deliberately redundant so that one error (surname typo, swapped
 * day/month, missing given name, dropped vowels) still leaves another key intact:
 *
 * - `fy`  Double Metaphone of each family token + birth year
 * - `gy`  Double Metaphone of the first given token + birth year, and for a record the years either side
 *         (survives a surname change or typo, and a year typed one off)
 * - `sk`  consonant skeleton of each family token + given initial + birth year (abjad transliterations)
 * - `in`  sorted name-token initials + full birth date (survives two name typos)
 * - `gf`  Double Metaphone of the first given and each family token, order-free (no or wrong birth date)
 * - `d`   full birth date alone
 * - `fp`, `gp`  Double Metaphone of the family / first given name + postcode (or city)
 * - `eg`  Double Metaphone of the first given token + e-mail domain (a typo in the local part)
 * - identifiers: `ph` phone, `em` email, `doc`, `nid`, `iban`, `acc`, `plate`, `vin`, `org`, `adr`
 */
export function blockingKeys(f: Features, role: KeyRole = 'record'): string[] {
  const keys = new Set<string>();
  const given = f.given ?? [];
  const family = f.family ?? [];
  const years = new Set<string>();
  const fullDates: string[] = [];
  for (const r of f.dob?.readings ?? []) {
    years.add(r.slice(0, 4));
    if (r.length === 10) fullDates.push(r);
  }
  const famCodes = family.slice(0, 3).flatMap((t) => metaphone(t).slice(0, 1));
  const g0 = given[0];
  const g0Code = g0 === undefined ? undefined : metaphone(g0)[0];
  for (const y of years) {
    for (const c of famCodes) keys.add(`fy:${c}:${y}`);
    if (g0Code !== undefined) {
      keys.add(`gy:${g0Code}:${y}`);
      // A year typed one off is a common slip; the neighbouring years keep the given-name block. Stored
      // records carry them, so a query needs only its own year: a common given name's block per year is
      // the biggest there is, and looking up three of them trebled the candidates. The price: a pair whose
      // years differ by two and whose surnames share no key (a changed surname) is no longer blocked by
      // `gy` (it still is through `in`, `d` or `gf` when the date or both names survive).
      if (role === 'record') {
        keys.add(`gy:${g0Code}:${Number(y) - 1}`);
        keys.add(`gy:${g0Code}:${Number(y) + 1}`);
      }
    }
    for (const t of family.slice(0, 3)) {
      const sk = skeleton(t);
      if (sk.length >= 2) keys.add(`sk:${sk}:${g0?.[0] ?? ''}:${y}`);
    }
  }
  const initials = [...given, ...family]
    .map((t) => t[0])
    .sort()
    .join('');
  if (initials !== '') for (const d of fullDates) keys.add(`in:${initials}:${d}`);
  // A full birth date alone holds ~40 people per million (perf-limits.md §6): cheap, and catches two
  // name errors at once.
  for (const d of fullDates) keys.add(`d:${d}`);
  const place = f.postcode ?? f.city;
  if (place !== undefined) {
    if (g0Code !== undefined) keys.add(`gp:${g0Code}:${place}`);
    for (const c of famCodes) keys.add(`fp:${c}:${place}`);
  }
  // A town typed with a slip (Lonodn, Birminghaim) keeps its set of letters: any one name token (given or
  // family, so a swapped order too) with the town's letter set still blocks.
  if (f.city !== undefined) {
    const town = letterSet(f.city);
    if (g0Code !== undefined) keys.add(`nl:${g0Code}:${town}`);
    for (const c of famCodes) keys.add(`nl:${c}:${town}`);
  }
  // Family name alone: adaptive, since retrieval skips any key held by more than maxPerKey records, so
  // only rare surnames survive as keys on a large dataset, and those alone are good evidence.
  for (const c of famCodes) keys.add(`f:${c}`);
  if (g0Code !== undefined)
    for (const c of famCodes) keys.add(`gf:${g0Code < c ? `${g0Code}:${c}` : `${c}:${g0Code}`}`);

  // The e-mail domain with the given name: a personal domain, or a typo in the local part, still blocks.
  if (g0Code !== undefined)
    for (const e of f.emails ?? []) keys.add(`eg:${g0Code}:${e.slice(e.indexOf('@') + 1)}`);
  for (const p of f.phones ?? []) keys.add(`ph:${p}`);
  for (const e of f.emails ?? []) keys.add(`em:${e}`);
  // The local part alone: a typo in the domain (romero-onovan.com) leaves it whole.
  for (const e of f.emails ?? []) {
    const local = e.slice(0, e.indexOf('@'));
    if (local.length >= 5) keys.add(`el:${local}`);
  }
  for (const d of f.documents ?? []) keys.add(`doc:${d}`);
  for (const d of f.nationalIds ?? []) keys.add(`nid:${d}`);
  for (const i of f.ibans ?? []) keys.add(`iban:${i}`);
  for (const a of f.accounts ?? []) keys.add(`acc:${a}`);
  for (const p of f.plates ?? []) keys.add(`plate:${p}`);
  for (const v of f.vins ?? []) keys.add(`vin:${v}`);
  for (const t of (f.org ?? []).slice(0, 4)) {
    const c = metaphone(t)[0];
    if (c !== undefined && t.length >= 3) keys.add(`org:${c}`);
  }
  if (f.kind !== 'person' && f.address !== undefined) {
    keys.add(`adr:${f.address.slice().sort().join(' ')}`);
    if (f.postcode !== undefined) keys.add(`adp:${f.postcode}`);
  }
  return [...keys];
}

/** The distinct letters of a word, sorted: the same for a transposition, a doubled or a dropped repeat. */
function letterSet(word: string): string {
  return [...new Set(word.replace(/[^a-z]/g, ''))].sort().join('');
}

/**
 * Values whose dataset frequency drives term-frequency weights, as `field` → value. Connectors count these
 * at import. Identifiers are not counted here: how many records share a phone or an IBAN is the size of
 * its blocking key (IDENTIFIER_KEYS), which the index already holds, so a million unique phones cost no
 * extra table.
 */
export function termValues(f: Features): [string, string][] {
  const out: [string, string][] = [];
  const g0 = f.given?.[0];
  if (g0 !== undefined) out.push(['given', g0]);
  for (const t of f.family ?? []) out.push(['family', t]);
  const d = f.dob?.readings[0];
  if (d !== undefined) out.push(['dob', d]);
  if (f.address !== undefined) out.push(['address', f.address.join(' ')]);
  if (f.postcode !== undefined) out.push(['postcode', f.postcode]);
  if (f.city !== undefined) out.push(['city', f.city]);
  return out;
}

/** Identifier fields whose record count is the fan-out of their blocking key: field → key prefix. */
export const IDENTIFIER_KEYS: Readonly<Record<string, string>> = Object.freeze({
  phone: 'ph',
  email: 'em',
  document: 'doc',
  nationalId: 'nid',
  iban: 'iban',
  account: 'acc',
  plate: 'plate',
});
