import type { LinkType } from '../../contracts/schemas/entity.js';
import {
  normaliseAccountNumber,
  normaliseCode,
  normaliseEmail,
  normaliseIban,
  normaliseOrganisation,
  normalisePhone,
  tokens,
} from '../../matching/index.js';

/** Kinds of value that become shared identifier nodes: an identifier is a value, not a record. */
export const IDENTIFIER_KINDS = [
  'phone',
  'email',
  'document',
  'account',
  'vehicle',
  'address',
  'organisation',
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** The edge from a hit to an identifier it holds; `identifies` when the hit is a record of that value itself. */
export type IdentifierLink = LinkType | 'identifies';

/** One identifier read from one released field of one hit. */
export interface DerivedIdentifier {
  readonly kind: IdentifierKind;
  /** Normalised value: the key that makes two agencies' copies the same node. */
  readonly key: string;
  /** The value as released, for display and for a pivot search. */
  readonly display: string;
  readonly field: string;
  readonly link: IdentifierLink;
}

/**
 * A released value the owner's policy transformed so it no longer identifies anything: `mask` leaves `***`
 * (policies/records.ts), a UI or a truncating export leaves an ellipsis. Such values are evidence of a hit,
 * never a link between hits.
 */
export function isMasked(value: string): boolean {
  return (
    value.includes('***') || value.includes('…') || /\.\.\.\s*$/.test(value) || /^\*+$/.test(value.trim())
  );
}

const MULTI = /[;|]/;

/** Several values in one field are written `a; b` or `a | b` (the same convention as matching's features). */
function values(raw: string): string[] {
  return raw
    .split(MULTI)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

type Reader = (raw: string, region: string | undefined) => string | undefined;

/**
 * Each reader returns the normalised key, or undefined when the value is too partial to identify anything.
 * A truncated value usually fails its format's own check (an IBAN's mod-97, a phone's numbering plan); where
 * no check exists a minimum length stands in for it.
 */
const READERS: Record<string, { kind: IdentifierKind; read: Reader }> = {
  phone: {
    kind: 'phone',
    // Only a number that parses to E.164 is a key: bare digits from two countries could collide.
    read: (raw, region) => normalisePhone(raw, region).e164,
  },
  email: {
    kind: 'email',
    read: (raw) => {
      const e = normaliseEmail(raw);
      return e !== undefined && /\.[a-z]{2,}$/.test(e.domain) ? e.canonical : undefined;
    },
  },
  document: {
    kind: 'document',
    read: (raw) => {
      const c = normaliseCode(raw);
      return c.length >= 5 ? c : undefined;
    },
  },
  iban: {
    kind: 'account',
    read: (raw) => {
      const i = normaliseIban(raw);
      return i?.valid ? `iban:${i.value}` : undefined;
    },
  },
  account: {
    kind: 'account',
    read: (raw) => {
      const i = normaliseIban(raw);
      if (i?.valid) return `iban:${i.value}`;
      const n = normaliseAccountNumber(raw);
      return n.length >= 6 ? `number:${n}` : undefined;
    },
  },
  plate: {
    kind: 'vehicle',
    read: (raw) => {
      const c = normaliseCode(raw);
      return c.length >= 4 ? `plate:${c}` : undefined;
    },
  },
  vin: {
    kind: 'vehicle',
    read: (raw) => {
      const c = normaliseCode(raw);
      return c.length === 17 ? `vin:${c}` : undefined;
    },
  },
  address: {
    kind: 'address',
    // Fewer than three words ("Strada Lip") cannot single out a place.
    read: (raw) => {
      const t = tokens(raw);
      return t.length >= 3 ? t.join(' ') : undefined;
    },
  },
  organisation: {
    kind: 'organisation',
    read: (raw) => {
      const t = normaliseOrganisation(raw);
      return t.join(' ').length >= 3 ? t.join(' ') : undefined;
    },
  },
};

/** Released attribute → (reader, link) for person and organisation hits. */
const HOLDER_FIELDS: Record<string, { reader: keyof typeof READERS; link: LinkType }> = {
  phone: { reader: 'phone', link: 'uses-phone' },
  email: { reader: 'email', link: 'uses-email' },
  documentNumber: { reader: 'document', link: 'holds-document' },
  nationalId: { reader: 'document', link: 'holds-document' },
  iban: { reader: 'iban', link: 'holds-account' },
  account: { reader: 'account', link: 'holds-account' },
  accountNumber: { reader: 'account', link: 'holds-account' },
  address: { reader: 'address', link: 'lives-at' },
  plate: { reader: 'plate', link: 'drives-vehicle' },
  organisation: { reader: 'organisation', link: 'works-for' },
  employer: { reader: 'organisation', link: 'works-for' },
};

/** A record of an identifier kind (a phone record, an account record) is linked to the value it stands for. */
const SELF_FIELDS: Partial<Record<string, Record<string, keyof typeof READERS>>> = {
  phone: { number: 'phone' },
  email: { address: 'email' },
  document: { number: 'document' },
  account: { iban: 'iban', number: 'account' },
  vehicle: { plate: 'plate', vin: 'vin' },
  address: { text: 'address' },
};

/**
 * The identifiers a hit's released fields carry. Masked and partial values are skipped; a phone without a
 * country prefix is read in the `country` released beside it, and otherwise skipped.
 */
export function deriveIdentifiers(
  hitKind: string,
  fields: Readonly<Record<string, string>>,
): DerivedIdentifier[] {
  const country = Object.hasOwn(fields, 'country') ? fields['country']?.trim().toUpperCase() : undefined;
  const region = country !== undefined && /^[A-Z]{2}$/.test(country) ? country : undefined;
  const out: DerivedIdentifier[] = [];
  const seen = new Set<string>();
  const self = Object.hasOwn(SELF_FIELDS, hitKind) ? SELF_FIELDS[hitKind] : undefined;
  for (const field of Object.keys(fields).sort()) {
    const raw = fields[field]!;
    // Own-property lookups only: a peer's field named `constructor` must not find Object.prototype's.
    const own = self !== undefined && Object.hasOwn(self, field) ? self[field] : undefined;
    const holder = hitKind === 'person' || hitKind === 'organisation';
    const spec: { reader: keyof typeof READERS; link: IdentifierLink } | undefined =
      own !== undefined
        ? { reader: own, link: 'identifies' }
        : holder && Object.hasOwn(HOLDER_FIELDS, field)
          ? HOLDER_FIELDS[field]
          : // An IBAN carries its own checksum: whatever an owner calls the field (wageAccount,
            // payoutAccount), a valid one is an account the holder uses.
            holder && values(raw).some((v) => !isMasked(v) && normaliseIban(v)?.valid === true)
            ? HOLDER_FIELDS['iban']
            : undefined;
    if (spec === undefined || (hitKind === 'organisation' && spec.link === 'works-for')) continue;
    // An organisation is registered at its address rather than living there.
    const link = hitKind === 'organisation' && spec.link === 'lives-at' ? 'registered-at' : spec.link;
    const reader = READERS[spec.reader]!;
    for (const v of values(raw)) {
      if (isMasked(v)) continue;
      const key = reader.read(v, region);
      if (key === undefined) continue;
      const dedupe = `${reader.kind}\n${key}`;
      if (seen.has(dedupe)) continue;
      seen.add(dedupe);
      out.push({ kind: reader.kind, key, display: v, field, link });
    }
  }
  return out;
}

/**
 * The value a search asked about, as an identifier key: the value that a `generic` flag in a hit's
 * evidence refers to (the evidence names the field, never the value).
 */
export function subjectIdentifier(
  subject: { kind: string; selectors: Readonly<Record<string, unknown>> },
  evidenceField: string,
): { kind: IdentifierKind; key: string } | undefined {
  const fieldKind: Partial<Record<string, IdentifierKind>> = {
    phone: 'phone',
    email: 'email',
    address: 'address',
    document: 'document',
    nationalId: 'document',
    iban: 'account',
    account: 'account',
  };
  const kind = Object.hasOwn(fieldKind, evidenceField) ? fieldKind[evidenceField] : undefined;
  if (kind === undefined || subject.kind !== kind) return undefined;
  const sel = subject.selectors;
  const str = (k: string) => (typeof sel[k] === 'string' ? sel[k] : undefined);
  const country = str('country');
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const k of ['number', 'address', 'text', 'iban']) {
    const v = str(k);
    if (v !== undefined) fields[k] = v;
  }
  if (country !== undefined) fields['country'] = country;
  const found = deriveIdentifiers(kind, fields).find((d) => d.kind === kind);
  return found ? { kind, key: found.key } : undefined;
}
