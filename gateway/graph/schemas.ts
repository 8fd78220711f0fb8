import { GRANULARITIES } from '../../contracts/index.js';

/** Node and edge ids as the graph issues them (gateway/graph/build.ts): a prefix and 20 hex digits. */
export const NODE_ID_PATTERN = '^[hi]-[0-9a-f]{20}$';
export const EDGE_ID_PATTERN = '^[ehs]-[0-9a-f]{20}$';

/** `POST /cases/:ref/edges/:id/decision`. Closed, like every message. */
export const edgeDecisionSchema = {
  $id: 'urn:mosaic:schema:graph-edge-decision',
  type: 'object',
  additionalProperties: false,
  required: ['decision'],
  properties: {
    decision: { enum: ['confirmed', 'rejected'] },
    note: { type: 'string', minLength: 1, maxLength: 1000 },
  },
} as const;

export interface EdgeDecisionRequest {
  decision: 'confirmed' | 'rejected';
  note?: string;
}

/**
 * `POST /cases/:ref/pivot`: a new federated search on one entity's selectors. Purpose and granularity default
 * to those of the search that produced the entity; the search request schema checks the rest.
 */
export const pivotSchema = {
  $id: 'urn:mosaic:schema:graph-pivot',
  type: 'object',
  additionalProperties: false,
  required: ['entity', 'legalBasis'],
  properties: {
    entity: { type: 'string', pattern: NODE_ID_PATTERN },
    purpose: { type: 'string', pattern: '^[a-z][a-z0-9._-]{0,63}$' },
    legalBasis: { type: 'string', minLength: 1, maxLength: 256 },
    granularity: { enum: GRANULARITIES },
    targets: {
      type: 'object',
      additionalProperties: false,
      properties: {
        agencies: {
          type: 'array',
          maxItems: 1000,
          uniqueItems: true,
          items: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,62}$' },
        },
        groups: {
          type: 'array',
          maxItems: 64,
          uniqueItems: true,
          items: { type: 'string', pattern: '^[a-z][a-z0-9._-]{0,63}$' },
        },
      },
    },
    deadlineMs: { type: 'integer', minimum: 100, maximum: 60000 },
  },
} as const;

export interface PivotRequest {
  entity: string;
  purpose?: string;
  legalBasis: string;
  granularity?: (typeof GRANULARITIES)[number];
  targets?: { agencies?: string[]; groups?: string[] };
  deadlineMs?: number;
}
