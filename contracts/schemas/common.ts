/** Building blocks shared by the message schemas. Kept as plain JSON Schema 2020-12 fragments. */

export const agencyId = {
  type: 'string',
  pattern: '^[a-z][a-z0-9-]{1,62}$',
  description: 'Stable agency identifier, lower-case letters, digits and hyphens.',
} as const;

export const countryCode = {
  type: 'string',
  pattern: '^[A-Z]{2}$',
  description: 'ISO 3166-1 alpha-2 country code.',
} as const;

export const identifier = { type: 'string', pattern: '^[a-z][a-z0-9._-]{0,63}$' } as const;

export const digest = { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' } as const;

export const base64urlSha256 = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const;

export const epochSeconds = { type: 'integer', minimum: 0, maximum: 253402300799 } as const;

export const shortText = { type: 'string', minLength: 1, maxLength: 256 } as const;

export const GRANULARITIES = ['exists', 'count', 'summary', 'record'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const granularity = { enum: GRANULARITIES } as const;

export const SUBJECT_KINDS = [
  'person',
  'phone',
  'email',
  'document',
  'account',
  'vehicle',
  'address',
  'organisation',
] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** The order of disclosure (DESIGN principle 3): a grant may only move down this list, never up. */
export function granularityRank(g: Granularity): number {
  return GRANULARITIES.indexOf(g);
}

const selectorValue = { type: 'string', minLength: 1, maxLength: 256 } as const;
const partialDate = {
  type: 'string',
  pattern: '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$',
  description: 'YYYY, YYYY-MM or YYYY-MM-DD.',
} as const;

function subjectOf(kind: SubjectKind, properties: Record<string, unknown>, required: string[]) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'selectors'],
    properties: {
      kind: { const: kind },
      selectors: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        required,
        properties,
      },
    },
  } as const;
}

/** Typed selectors per subject kind; the matching layer normalises them. */
export const subject = {
  type: 'object',
  required: ['kind'],
  properties: { kind: { enum: SUBJECT_KINDS } },
  discriminator: { propertyName: 'kind' },
  oneOf: [
    subjectOf(
      'person',
      {
        fullName: selectorValue,
        givenName: selectorValue,
        familyName: selectorValue,
        birthDate: partialDate,
        nationality: countryCode,
        gender: { enum: ['female', 'male', 'other', 'unknown'] },
      },
      [],
    ),
    subjectOf('phone', { number: selectorValue, country: countryCode }, ['number']),
    subjectOf('email', { address: selectorValue }, ['address']),
    subjectOf('document', { number: selectorValue, type: selectorValue, country: countryCode }, ['number']),
    subjectOf('account', { iban: selectorValue, bic: selectorValue, number: selectorValue }, []),
    subjectOf('vehicle', { plate: selectorValue, country: countryCode, vin: selectorValue }, []),
    subjectOf('address', { text: selectorValue, postcode: selectorValue, country: countryCode }, ['text']),
    subjectOf('organisation', { name: selectorValue, country: countryCode, registration: selectorValue }, [
      'name',
    ]),
  ],
} as const;

/** `cnf` (RFC 8705 §3.1): the SHA-256 thumbprint of the DER certificate a signed request must arrive with. */
export const certificateBinding = {
  type: 'object',
  additionalProperties: false,
  required: ['x5t#S256'],
  properties: { 'x5t#S256': base64urlSha256 },
} as const;

/** A message id: at least 128 random bits, base64url. */
export const messageId = { type: 'string', pattern: '^[A-Za-z0-9_-]{22,64}$' } as const;

/** W3C Trace Context `traceparent`, version 00. */
export const traceparent = { type: 'string', pattern: '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' } as const;

/** A responder's audit receipt: the ledger leaf of the exchange and a signed checkpoint (or null: no ledger). */
export const receiptSchema = {
  anyOf: [
    { type: 'null' },
    {
      type: 'object',
      additionalProperties: false,
      required: ['leafIndex', 'checkpoint'],
      properties: {
        leafIndex: { type: 'integer', minimum: 0 },
        leafHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        checkpoint: { type: 'string', maxLength: 8192 },
      },
    },
  ],
} as const;
