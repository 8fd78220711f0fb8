import { agencyId, granularity, identifier, shortText, subject } from './common.js';

/** `POST /api/v1/searches`: what an analyst asks the federation. Closed, like every message. */
export const searchRequestSchema = {
  $id: 'urn:mosaic:schema:search-request',
  type: 'object',
  additionalProperties: false,
  required: ['subject', 'purpose', 'legalBasis', 'caseRef'],
  properties: {
    subject,
    purpose: identifier,
    legalBasis: shortText,
    caseRef: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9/._-]{0,127}$' },
    granularity: { ...granularity, default: 'exists' },
    datasets: { type: 'array', maxItems: 32, uniqueItems: true, items: identifier },
    targets: {
      type: 'object',
      additionalProperties: false,
      properties: {
        agencies: { type: 'array', maxItems: 1000, uniqueItems: true, items: agencyId },
        groups: { type: 'array', maxItems: 64, uniqueItems: true, items: identifier },
      },
      description: 'Whom to ask; all other members when absent.',
    },
    required: {
      type: 'array',
      maxItems: 1000,
      uniqueItems: true,
      items: agencyId,
      description: 'Peers whose failure makes the search fail rather than partial.',
    },
    deadlineMs: { type: 'integer', minimum: 100, maximum: 60000, default: 10000 },
    peerDeadlineMs: { type: 'integer', minimum: 100, maximum: 60000 },
  },
} as const;
