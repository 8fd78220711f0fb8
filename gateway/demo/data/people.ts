import { LOCALES, type Locale, type LocaleCode } from './locales.js';
import { type Rng, stripDiacritics, typo } from './random.js';

/** One synthetic person before an agency writes it down. */
export interface Person {
  readonly locale: LocaleCode;
  readonly gender: 'female' | 'male';
  readonly given: readonly string[];
  readonly family: readonly string[];
  readonly birth: { y: number; m: number; d: number };
  readonly city: string;
  readonly address: string;
  readonly phone: string;
  readonly document: string;
  readonly iban: string;
}

export function makePerson(rng: Rng, code: LocaleCode): Person {
  const l: Locale = LOCALES[code];
  const gender = rng.chance(0.5) ? 'female' : 'male';
  const place = rng.pick(l.cities);
  return {
    locale: code,
    gender,
    given: rng.pick(gender === 'female' ? l.female : l.male),
    family: rng.pick(l.family),
    birth: { y: rng.int(1955, 2008), m: rng.int(1, 12), d: rng.int(1, 28) },
    city: place.city,
    address: l.address(rng.pick(l.streets), rng.int(1, 180), place.postcode, place.city),
    phone: l.phone(rng),
    document: l.document(rng),
    iban: l.iban(rng),
  };
}

/**
 * How an agency writes a name: at home the passport spelling, abroad often another one (a transliteration,
 * no diacritics, another script); now and then a clerk's typo.
 */
export function spell(rng: Rng, forms: readonly string[], home: boolean): string {
  let s = forms[0] ?? '';
  if (!home && forms.length > 1 && rng.chance(0.5)) s = rng.pick(forms.slice(1));
  else if (!home && rng.chance(0.3)) s = stripDiacritics(s);
  if (rng.chance(0.04)) s = typo(rng, s);
  return s;
}

export function fullName(rng: Rng, p: Person, home: boolean): string {
  const given = spell(rng, p.given, home);
  const family = spell(rng, p.family, home);
  const l: Locale = LOCALES[p.locale];
  return l.familyFirst === true ? `${family} ${given}` : `${given} ${family}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A birth date as a clerk writes it: mostly whole, sometimes only month or year (partial dates). */
export function writeDate(
  rng: Rng,
  b: { y: number; m: number; d: number },
  style: 'iso' | 'dmy-dot' | 'dmy-slash',
): string {
  const r = rng.next();
  if (r < 0.06) return String(b.y);
  if (r < 0.14) return `${b.y}-${pad(b.m)}`;
  if (style === 'dmy-dot') return `${pad(b.d)}.${pad(b.m)}.${b.y}`;
  if (style === 'dmy-slash') return `${pad(b.d)}/${pad(b.m)}/${b.y}`;
  return `${b.y}-${pad(b.m)}-${pad(b.d)}`;
}

/** A date `days` before `anchor` (epoch ms), as YYYY-MM-DD. */
export function daysBefore(anchor: number, days: number): string {
  return new Date(anchor - days * 86_400_000).toISOString().slice(0, 10);
}
