import {
  agencyId,
  countryCode,
  GRANULARITIES,
  identifier,
  SUBJECT_KINDS,
  type SubjectKind,
  subject,
} from './common.js';
import { SENSITIVITY_LEVELS, type Sensitivity } from './entity.js';

/**
 * The sharing-policy language (docs/policies.md). Every object is closed (`additionalProperties: false`) so a
 * typo is an error at load, never a silently ignored constraint (the EDC scope-filter failure mode). Checks that
 * need the federation's vocabulary (known agencies, purposes, datasets, fields) or relate two values (min ≤ max)
 * are done by the loader in policies/, which reports them with the schema issues in one pass.
 */

/** Selector names a query may use, per subject kind, read from the query subject schema so the two never drift. */
export const SELECTORS_BY_KIND: Readonly<Record<SubjectKind, readonly string[]>> = Object.freeze(
  Object.fromEntries(
    subject.oneOf.map((branch) => [
      branch.properties.kind.const,
      Object.keys(branch.properties.selectors.properties),
    ]),
  ) as Record<SubjectKind, string[]>,
);

/** Record sensitivity, lowest first: the entity model's ladder, so a filter can name every level a record has. */
export const POLICY_SENSITIVITIES = SENSITIVITY_LEVELS;
export type PolicySensitivity = Sensitivity;

export const QUOTA_PERIODS = ['hour', 'day', 'week', 'month'] as const;
export type QuotaPeriod = (typeof QUOTA_PERIODS)[number];

/** What a quota counts: answered queries (`exchanges`, the default) or records released at summary/record. */
export const QUOTA_COUNTS = ['exchanges', 'records'] as const;
export type QuotaCounts = (typeof QUOTA_COUNTS)[number];

/** Whose use a quota counts: the requesting agency's, or each of its officers' (the query's `requester.id`). */
export const QUOTA_SCOPES = ['peer', 'requester'] as const;
export type QuotaScope = (typeof QUOTA_SCOPES)[number];

/** A grant may carry this many quotas (e.g. records per peer and per requester, exchanges per peer). */
export const MAX_QUOTAS_PER_GRANT = 4;

/** `keep`, `mask`, `year-only`, `drop`, or `truncate:N` with 1 ≤ N ≤ 9999. */
export const TRANSFORM_PATTERN = '^(keep|mask|year-only|drop|truncate:[1-9][0-9]{0,3})$';
export type FieldTransform = 'keep' | 'mask' | 'year-only' | 'drop' | `truncate:${number}`;

/** Field names as the entity model writes attributes; `*` stands for every other field of the dataset. */
const FIELD_NAME_PATTERN = '^(\\*|[A-Za-z][A-Za-z0-9_]{0,63})$';
const ruleIdPattern = '^[a-z0-9][a-z0-9._-]{0,63}$';
/** A quota id: a rule id, or the default `<rule id>.<counts>.<per>` of a quota in a `quotas` list. */
const quotaIdPattern = '^[a-z0-9][a-z0-9._-]{0,95}$';
const flag = { type: 'string', pattern: '^[a-z][a-z0-9-]{0,31}$' } as const;
const selectorName = { type: 'string', pattern: '^[a-zA-Z]{1,32}$' } as const;

function setOf(item: object, max = 256) {
  return { type: 'array', minItems: 1, maxItems: max, uniqueItems: true, items: item } as const;
}

const conditions = {
  type: 'object',
  additionalProperties: false,
  properties: {
    agencies: setOf(agencyId),
    countries: setOf(countryCode),
    groups: setOf(identifier),
    purposes: setOf(identifier),
    legalBases: setOf({ type: 'string', minLength: 1, maxLength: 256 }),
    subjectKinds: setOf({ enum: SUBJECT_KINDS }),
    selectors: setOf(selectorName),
    datasets: setOf(identifier),
  },
} as const;

const range = (item: object) =>
  ({
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: { min: item, max: item },
  }) as const;

const recordFilter = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    ageDays: range({ type: 'integer', minimum: 0, maximum: 365000 }),
    sensitivity: range({ enum: POLICY_SENSITIVITIES }),
    withFlags: setOf(flag, 32),
    withoutFlags: setOf(flag, 32),
  },
} as const;

const quota = {
  type: 'object',
  additionalProperties: false,
  required: ['limit', 'period'],
  properties: {
    id: { type: 'string', pattern: ruleIdPattern },
    limit: { type: 'integer', minimum: 1, maximum: 100000000 },
    period: { enum: QUOTA_PERIODS },
    counts: { enum: QUOTA_COUNTS },
    per: { enum: QUOTA_SCOPES },
  },
} as const;

const grant = {
  type: 'object',
  additionalProperties: false,
  required: ['maxGranularity'],
  properties: {
    maxGranularity: { enum: GRANULARITIES },
    fields: {
      type: 'object',
      maxProperties: 128,
      propertyNames: { pattern: FIELD_NAME_PATTERN },
      additionalProperties: { type: 'string', pattern: TRANSFORM_PATTERN },
    },
    minScore: { type: 'number', minimum: 0, maximum: 1 },
    maxHits: { type: 'integer', minimum: 1, maximum: 10000 },
    quota,
    quotas: { type: 'array', minItems: 1, maxItems: MAX_QUOTAS_PER_GRANT, items: quota },
    duties: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        approvalBeforeRecord: { type: 'boolean' },
        notifyOwnerOnHit: { type: 'boolean' },
        handlingCode: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$' },
        retentionDays: { type: 'integer', minimum: 1, maximum: 36500 },
      },
    },
  },
} as const;

const rule = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'effect'],
  properties: {
    id: { type: 'string', pattern: ruleIdPattern },
    effect: { enum: ['permit', 'prohibit'] },
    description: { type: 'string', maxLength: 2000 },
    when: conditions,
    unless: { ...conditions, minProperties: 1 },
    records: recordFilter,
    grant,
  },
} as const;

/** One policy file: a list of rules. */
export const policyFileSchema = {
  $id: 'urn:mosaic:schema:policy-file',
  type: 'object',
  additionalProperties: false,
  required: ['rules'],
  properties: {
    description: { type: 'string', maxLength: 2000 },
    rules: { type: 'array', maxItems: 2000, items: rule },
  },
} as const;

/** `bundle.yaml`: what makes a directory a bundle. */
export const policyManifestSchema = {
  $id: 'urn:mosaic:schema:policy-manifest',
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: {
    version: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$' },
    owner: agencyId,
    description: { type: 'string', maxLength: 2000 },
  },
} as const;

const facts = {
  type: 'object',
  additionalProperties: false,
  required: ['peer', 'purpose', 'subjectKind', 'granularity', 'dataset'],
  properties: {
    peer: agencyId,
    requester: { type: 'string', pattern: '^[A-Za-z0-9_-]{4,64}$' },
    purpose: identifier,
    legalBasis: { type: 'string', minLength: 1, maxLength: 256 },
    subjectKind: { enum: SUBJECT_KINDS },
    selectors: { type: 'array', maxItems: 16, uniqueItems: true, items: selectorName },
    granularity: { enum: GRANULARITIES },
    dataset: identifier,
  },
} as const;

/** A policy test file (`tests/*.yaml` in a bundle): facts in, expected decision out. */
export const policyCasesSchema = {
  $id: 'urn:mosaic:schema:policy-cases',
  type: 'object',
  additionalProperties: false,
  required: ['cases'],
  properties: {
    now: { type: 'string', format: 'date-time' },
    cases: {
      type: 'array',
      maxItems: 10000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'facts', 'expect'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 256 },
          now: { type: 'string', format: 'date-time' },
          facts,
          quotaUsed: {
            type: 'object',
            maxProperties: 64,
            propertyNames: { pattern: quotaIdPattern },
            additionalProperties: { type: 'integer', minimum: 0 },
          },
          record: {
            type: 'object',
            additionalProperties: false,
            required: ['attributes'],
            properties: {
              attributes: {
                type: 'object',
                maxProperties: 128,
                propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' },
                additionalProperties: { type: 'string', maxLength: 1024 },
              },
              meta: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  recordedAt: { type: 'string', pattern: '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$' },
                  sensitivity: { enum: POLICY_SENSITIVITIES },
                  flags: { type: 'array', maxItems: 32, items: flag },
                },
              },
            },
          },
          expect: {
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            properties: {
              effect: { enum: ['permit', 'deny'] },
              reason: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{0,63}$' },
              granted: { enum: [...GRANULARITIES, null] },
              coarsened: { type: 'boolean' },
              ruleIds: { type: 'array', items: { type: 'string', pattern: ruleIdPattern } },
              fields: {
                type: 'object',
                propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' },
                additionalProperties: { type: 'string', pattern: TRANSFORM_PATTERN },
              },
              approvalRequired: { type: 'boolean' },
              notifyOwnerOnHit: { type: 'boolean' },
              maxHits: {
                type: 'integer',
                minimum: 0,
                description:
                  "The hit cap: the grant's maxHits, lowered to what its records quotas have left.",
              },
              withheld: { type: 'boolean', description: 'The record is withheld by the record filter.' },
              released: {
                description: 'The attributes released from the record after the filter and the transforms.',
                type: 'object',
                propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' },
                additionalProperties: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** The raw, schema-valid shapes (before the loader's semantic checks and normalisation). */
export interface PolicyConditionsDoc {
  agencies?: string[];
  countries?: string[];
  groups?: string[];
  purposes?: string[];
  legalBases?: string[];
  subjectKinds?: SubjectKind[];
  selectors?: string[];
  datasets?: string[];
}

export interface PolicyRecordFilterDoc {
  ageDays?: { min?: number; max?: number };
  sensitivity?: { min?: PolicySensitivity; max?: PolicySensitivity };
  withFlags?: string[];
  withoutFlags?: string[];
}

export interface PolicyQuotaDoc {
  id?: string;
  limit: number;
  period: QuotaPeriod;
  counts?: QuotaCounts;
  per?: QuotaScope;
}

export interface PolicyGrantDoc {
  maxGranularity: (typeof GRANULARITIES)[number];
  fields?: Record<string, FieldTransform>;
  minScore?: number;
  maxHits?: number;
  quota?: PolicyQuotaDoc;
  quotas?: PolicyQuotaDoc[];
  duties?: {
    approvalBeforeRecord?: boolean;
    notifyOwnerOnHit?: boolean;
    handlingCode?: string;
    retentionDays?: number;
  };
}

export interface PolicyRuleDoc {
  id: string;
  effect: 'permit' | 'prohibit';
  description?: string;
  when?: PolicyConditionsDoc;
  unless?: PolicyConditionsDoc;
  records?: PolicyRecordFilterDoc;
  grant?: PolicyGrantDoc;
}

export interface PolicyFileDoc {
  description?: string;
  rules: PolicyRuleDoc[];
}

export interface PolicyManifestDoc {
  version: string;
  owner?: string;
  description?: string;
}
