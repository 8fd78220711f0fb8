import type { PersonSelectors, Subject } from '../../contracts/index.js';
import { formatDate, normaliseDate } from '../../matching/index.js';
import { deriveIdentifiers, isMasked } from './identifiers.js';
import type { GraphNode, HitNode, IdentifierNode } from './model.js';

const PARTIAL_DATE = /^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$/;
const COUNTRY = /^[A-Z]{2}$/;
const GENDERS = ['female', 'male', 'other', 'unknown'] as const;

/** Selector values are at most 256 characters (contracts/schemas/common.ts). */
function usable(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' || t.length > 256 || isMasked(t) ? undefined : t;
}

/** A released birth date as a search selector: as is when ISO-shaped, else its one reading (or its year). */
function birthDate(raw: string | undefined): string | undefined {
  const v = usable(raw);
  if (v === undefined) return undefined;
  if (PARTIAL_DATE.test(v)) return v;
  const d = normaliseDate(v);
  if (d.readings.length === 1) return formatDate(d.readings[0]!);
  const years = new Set(d.readings.map((r) => formatDate(r).slice(0, 4)));
  return years.size === 1 ? [...years][0] : undefined;
}

function personSubject(h: HitNode): Subject | undefined {
  const f = h.fields;
  const s: PersonSelectors = {};
  const full = usable(f['fullName']);
  const given = usable(f['givenName']);
  const family = usable(f['familyName']);
  if (full !== undefined) s.fullName = full;
  else {
    if (given !== undefined) s.givenName = given;
    if (family !== undefined) s.familyName = family;
  }
  if (s.fullName === undefined && s.givenName === undefined && s.familyName === undefined) return undefined;
  const dob = birthDate(f['birthDate']);
  if (dob !== undefined) s.birthDate = dob;
  const nat = usable(f['nationality'])?.toUpperCase();
  if (nat !== undefined && COUNTRY.test(nat)) s.nationality = nat;
  const gender = usable(f['gender'])?.toLowerCase();
  const g = GENDERS.find((x) => x === gender);
  if (g !== undefined) s.gender = g;
  return { kind: 'person', selectors: s };
}

function organisationSubject(h: HitNode): Subject | undefined {
  const name = usable(h.fields['name']);
  if (name === undefined) return undefined;
  const country = usable(h.fields['country'])?.toUpperCase();
  const registration = usable(h.fields['registration']);
  return {
    kind: 'organisation',
    selectors: {
      name,
      ...(country !== undefined && COUNTRY.test(country) ? { country } : {}),
      ...(registration === undefined ? {} : { registration }),
    },
  };
}

/** The search for an identifier value: its normalised key where that is what peers compare (E.164, IBAN). */
export function identifierSubject(n: Pick<IdentifierNode, 'kind' | 'value' | 'label'>): Subject | undefined {
  const after = (prefix: string) => (n.value.startsWith(prefix) ? n.value.slice(prefix.length) : undefined);
  switch (n.kind) {
    case 'phone':
      return { kind: 'phone', selectors: { number: n.value } };
    case 'email':
      return { kind: 'email', selectors: { address: n.label } };
    case 'document':
      return { kind: 'document', selectors: { number: n.label } };
    case 'account': {
      const iban = after('iban:');
      if (iban !== undefined) return { kind: 'account', selectors: { iban } };
      return { kind: 'account', selectors: { number: after('number:') ?? n.label } };
    }
    case 'vehicle':
      return after('vin:') !== undefined
        ? { kind: 'vehicle', selectors: { vin: n.label } }
        : { kind: 'vehicle', selectors: { plate: n.label } };
    case 'address':
      return { kind: 'address', selectors: { text: n.label } };
    case 'organisation':
      return { kind: 'organisation', selectors: { name: n.label } };
  }
}

/**
 * What a pivot searches for: an identifier's value, a person hit's released name and birth date, an
 * organisation hit's name, or the value a record of an identifier kind stands for. Masked values are never
 * selectors. Undefined when the entity released nothing searchable.
 */
export function pivotSubject(n: GraphNode): Subject | undefined {
  if (n.type === 'identifier') return identifierSubject(n);
  if (n.kind === 'person') return personSubject(n);
  if (n.kind === 'organisation') return organisationSubject(n);
  const own = deriveIdentifiers(n.kind, n.fields).find((d) => d.link === 'identifies');
  return own ? identifierSubject({ kind: own.kind, value: own.key, label: own.display }) : undefined;
}
