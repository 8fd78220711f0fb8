import { compileSchema } from '../validate.js';
import { SUBJECT_KINDS, type SubjectKind } from './common.js';

/**
 * The entity model shared by matching, connectors and the gateway. A record in a dataset is one entity
 * (person, phone, …) with flat string attributes, record metadata and typed links to other records.
 * Kinds are the subject kinds a peer may ask about, so every stored entity can be searched for.
 */
export const ENTITY_KINDS = SUBJECT_KINDS;
export type EntityKind = SubjectKind;

/** Typed links between entities (source → target). */
export const LINK_TYPES = [
  'uses-phone',
  'uses-email',
  'lives-at',
  'holds-account',
  'holds-document',
  'drives-vehicle',
  'works-for',
  'associated-with',
  'registered-at',
] as const;
export type LinkType = (typeof LINK_TYPES)[number];

/** Attribute names each kind understands; anything else is kept but not used for matching. */
export const ENTITY_FIELDS = {
  person: [
    'fullName',
    'givenName',
    'familyName',
    'birthDate',
    'gender',
    'nationality',
    'phone',
    'email',
    'address',
    'postcode',
    'city',
    'region',
    'documentNumber',
    'nationalId',
  ],
  phone: ['number', 'country'],
  email: ['address'],
  document: ['number', 'type', 'country'],
  account: ['iban', 'bic', 'number'],
  vehicle: ['plate', 'country', 'vin'],
  address: ['text', 'postcode', 'city', 'country'],
  organisation: ['name', 'country', 'registration', 'phone', 'email', 'address'],
} as const satisfies Record<EntityKind, readonly string[]>;

export const SENSITIVITY_LEVELS = ['low', 'medium', 'high', 'restricted'] as const;
export type Sensitivity = (typeof SENSITIVITY_LEVELS)[number];

export interface EntityLink {
  type: LinkType;
  /** Record id of the target within the same dataset. */
  target: string;
  targetKind?: EntityKind;
}

export interface RecordMeta {
  /** YYYY, YYYY-MM or YYYY-MM-DD: when the agency recorded it (policies filter on record age). */
  recordedAt?: string;
  sensitivity?: Sensitivity;
  /** Free flags policies may filter on, e.g. `victim`, `minor`. */
  flags?: string[];
  source?: string;
}

export interface EntityRecord {
  id: string;
  kind: EntityKind;
  attributes: Record<string, string>;
  meta: RecordMeta;
  links: EntityLink[];
}

const text = { type: 'string', maxLength: 1024 } as const;

export const entityRecordSchema = {
  $id: 'https://mosaic.example/schemas/entity-record.json',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'kind', 'attributes', 'meta', 'links'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 256 },
    kind: { enum: ENTITY_KINDS },
    attributes: {
      type: 'object',
      maxProperties: 64,
      propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' },
      additionalProperties: text,
    },
    meta: {
      type: 'object',
      additionalProperties: false,
      properties: {
        recordedAt: { type: 'string', pattern: '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$' },
        sensitivity: { enum: SENSITIVITY_LEVELS },
        flags: {
          type: 'array',
          maxItems: 32,
          items: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,31}$' },
        },
        source: { type: 'string', maxLength: 256 },
      },
    },
    links: {
      type: 'array',
      maxItems: 256,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'target'],
        properties: {
          type: { enum: LINK_TYPES },
          target: { type: 'string', minLength: 1, maxLength: 256 },
          targetKind: { enum: ENTITY_KINDS },
        },
      },
    },
  },
} as const;

/** Compiled once; used by import and by connectors that accept records from outside. */
export const validateEntityRecord = compileSchema<EntityRecord>(entityRecordSchema);
