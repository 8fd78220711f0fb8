import type { EntityKind } from '../contracts/schemas/entity.js';
import { type DateOrder, formatDate, normaliseDate } from './normalise/date.js';
import { normaliseEmail } from './normalise/email.js';
import {
  normaliseAccountNumber,
  normaliseBic,
  normaliseCode,
  normaliseIban,
} from './normalise/identifiers.js';
import { normaliseName, normaliseOrganisation } from './normalise/name.js';
import { normalisePhone } from './normalise/phone.js';
import { foldText, tokens } from './normalise/text.js';

/**
 * Everything the blocker and the scorer need about one record or one query, normalised once. Stored
 * beside each record by connectors (as JSON), so a query never re-normalises its candidates.
 */
export interface Features {
  kind: EntityKind;
  given?: string[];
  family?: string[];
  /** Organisation name tokens, legal forms dropped, sorted. */
  org?: string[];
  /** Birth-date readings as ISO strings (several when day/month order is ambiguous) and raw digits. */
  dob?: { readings: string[]; digits: string };
  gender?: string;
  nationality?: string;
  /** E.164, or `#digits` when no region applied. */
  phones?: string[];
  /** Canonical addresses (Gmail dots and +tags removed); `emailsRaw` keeps the lower-cased originals. */
  emails?: string[];
  emailsRaw?: string[];
  address?: string[];
  postcode?: string;
  city?: string;
  region?: string;
  documents?: string[];
  nationalIds?: string[];
  ibans?: string[];
  bics?: string[];
  accounts?: string[];
  plates?: string[];
  vins?: string[];
  /** Identifiers that failed their check (bad IBAN checksum, unparseable phone), for the evidence. */
  invalid?: string[];
}

export interface PrepareOptions {
  /** ISO 3166 region for phone numbers written without a country prefix. */
  defaultRegion?: string;
  /** Day/month order of ambiguous dates in this source; without it both readings are kept. */
  dateOrder?: DateOrder;
}

const MULTI = /[;|]/;

function multi(v: string | undefined): string[] {
  if (v === undefined) return [];
  return v
    .split(MULTI)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function nonEmpty(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

function uniq(xs: string[]): string[] | undefined {
  if (xs.length === 0) return undefined;
  return [...new Set(xs)];
}

/** Normalise one record's (or query's) attributes into features. Pure: same input, same output. */
export function prepareFeatures(
  kind: EntityKind,
  attrs: Readonly<Record<string, string | undefined>>,
  options: PrepareOptions = {},
): Features {
  const f: Features = { kind };
  const get = (k: string) => nonEmpty(Object.hasOwn(attrs, k) ? attrs[k] : undefined);
  const region = nonEmpty(attrs['country'])?.toUpperCase() ?? options.defaultRegion;
  const invalid: string[] = [];

  if (kind === 'person') {
    const parts: { full?: string; given?: string; family?: string } = {};
    const full = get('fullName');
    const given = get('givenName');
    const family = get('familyName');
    if (full !== undefined) parts.full = full;
    if (given !== undefined) parts.given = given;
    if (family !== undefined) parts.family = family;
    const n = normaliseName(parts);
    if (n.given.length > 0) f.given = n.given;
    if (n.family.length > 0) f.family = n.family;
    const dob = get('birthDate');
    if (dob !== undefined) {
      const d = normaliseDate(dob, options.dateOrder);
      if (d.readings.length > 0 || d.digits.length >= 4)
        f.dob = { readings: d.readings.map(formatDate), digits: d.digits };
    }
    const g = get('gender');
    if (g !== undefined) {
      const gf = foldText(g);
      const norm = gf.startsWith('f') ? 'female' : gf.startsWith('m') ? 'male' : gf === '' ? undefined : gf;
      if (norm !== undefined && norm !== 'unknown') f.gender = norm;
    }
    const nat = get('nationality');
    if (nat !== undefined) f.nationality = foldText(nat);
  }
  if (kind === 'organisation') {
    const name = get('name');
    if (name !== undefined) {
      const t = normaliseOrganisation(name);
      if (t.length > 0) f.org = t;
    }
  }

  const phones: string[] = [];
  for (const raw of [...multi(get('phone')), ...(kind === 'phone' ? multi(get('number')) : [])]) {
    const p = normalisePhone(raw, region);
    if (p.e164 !== undefined) phones.push(p.e164);
    else if (p.digits.length >= 5) {
      phones.push(`#${p.digits}`);
      invalid.push('phone');
    }
  }
  const ph = uniq(phones);
  if (ph) f.phones = ph;

  const emails: string[] = [];
  const emailsRaw: string[] = [];
  const emailSrc = kind === 'email' ? get('address') : get('email');
  for (const raw of multi(emailSrc)) {
    const e = normaliseEmail(raw);
    if (e === undefined) {
      invalid.push('email');
      continue;
    }
    emails.push(e.canonical);
    emailsRaw.push(e.address);
  }
  const em = uniq(emails);
  if (em) {
    f.emails = em;
    f.emailsRaw = uniq(emailsRaw) ?? [];
  }

  const addr = kind === 'address' ? get('text') : kind === 'email' ? undefined : get('address');
  if (addr !== undefined) {
    const t = tokens(addr);
    if (t.length > 0) f.address = t;
  }
  const pc = get('postcode');
  if (pc !== undefined) {
    const v = foldText(pc).replace(/ /g, '');
    if (v !== '') f.postcode = v;
  }
  const city = get('city');
  if (city !== undefined) {
    const v = foldText(city);
    if (v !== '') f.city = v;
  }
  const reg = get('region');
  if (reg !== undefined) {
    const v = foldText(reg);
    if (v !== '') f.region = v;
  }

  const docs = [
    ...multi(get('documentNumber')),
    ...(kind === 'document' ? multi(get('number')) : []),
    ...(kind === 'organisation' ? multi(get('registration')) : []),
  ]
    .map(normaliseCode)
    .filter((s) => s.length >= 3);
  const d = uniq(docs);
  if (d) f.documents = d;
  const nid = uniq(
    multi(get('nationalId'))
      .map(normaliseCode)
      .filter((s) => s.length >= 3),
  );
  if (nid) f.nationalIds = nid;

  if (kind === 'account') {
    const ibans: string[] = [];
    for (const raw of multi(get('iban'))) {
      const i = normaliseIban(raw);
      if (i === undefined) continue;
      ibans.push(i.value);
      if (!i.valid) invalid.push('iban');
    }
    const ib = uniq(ibans);
    if (ib) f.ibans = ib;
    const bics = uniq(
      multi(get('bic'))
        .map(normaliseBic)
        .filter((b) => b !== undefined)
        .map((b) => b.value),
    );
    if (bics) f.bics = bics;
    const acc = uniq(
      multi(get('number'))
        .map(normaliseAccountNumber)
        .filter((s) => s.length >= 4),
    );
    if (acc) f.accounts = acc;
  }
  if (kind === 'vehicle') {
    const plates = uniq(
      multi(get('plate'))
        .map(normaliseCode)
        .filter((s) => s.length >= 2),
    );
    if (plates) f.plates = plates;
    const vins = uniq(
      multi(get('vin'))
        .map(normaliseCode)
        .filter((s) => s.length >= 5),
    );
    if (vins) f.vins = vins;
  }
  if (invalid.length > 0) f.invalid = [...new Set(invalid)];
  return f;
}
