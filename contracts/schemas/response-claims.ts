import {
  agencyId,
  digest,
  epochSeconds,
  granularity,
  identifier,
  messageId,
  receiptSchema,
} from './common.js';

const decision = {
  type: 'object',
  additionalProperties: false,
  required: ['effect', 'reasonCode', 'ruleIds', 'granted', 'coarsened'],
  properties: {
    effect: { enum: ['permit', 'deny'] },
    reasonCode: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{2,63}$' },
    ruleIds: { type: 'array', maxItems: 64, items: { type: 'string', maxLength: 128 } },
    granted: { anyOf: [granularity, { type: 'null' }] },
    coarsened: { type: 'boolean', description: 'True when the grant is coarser than what was asked.' },
    policyDigest: digest,
  },
} as const;

const hit = {
  type: 'object',
  additionalProperties: false,
  required: ['ref', 'score', 'band'],
  properties: {
    ref: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,128}$', description: 'Opaque reference for step 2.' },
    score: { type: 'number' },
    band: { enum: ['match', 'possible', 'non-match'] },
    kind: { type: 'string', maxLength: 32 },
    evidence: { type: 'array', maxItems: 64, items: { type: 'object' } },
    fields: { type: 'object', maxProperties: 128 },
    links: { type: 'array', maxItems: 256, items: { type: 'object' } },
  },
} as const;

/** The claims of a responder's signed answer. */
export const responseClaimsSchema = {
  $id: 'urn:mosaic:schema:response-claims',
  type: 'object',
  additionalProperties: false,
  required: ['iss', 'aud', 'iat', 'jti', 'queryJti', 'queryDigest', 'decision', 'results', 'receipt'],
  properties: {
    iss: agencyId,
    aud: agencyId,
    iat: epochSeconds,
    jti: messageId,
    queryJti: messageId,
    queryDigest: { ...digest, description: 'SHA-256 of the exact compact JWS of the query.' },
    decision: {
      ...decision,
      description: 'The node-wide outcome: permit when at least one dataset released something.',
    },
    results: {
      type: 'array',
      maxItems: 64,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['dataset', 'decision'],
        properties: {
          dataset: identifier,
          decision,
          exists: { type: 'boolean' },
          count: { type: 'integer', minimum: 0 },
          hits: { type: 'array', maxItems: 1000, items: hit },
        },
      },
    },
    receipt: receiptSchema,
  },
} as const;
