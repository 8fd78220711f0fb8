import {
  agencyId,
  certificateBinding,
  digest,
  epochSeconds,
  identifier,
  messageId,
  shortText,
  traceparent,
} from './common.js';

export const URGENCIES = ['urgent', 'standard', 'non-urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

const ref = { type: 'string', pattern: '^[A-Za-z0-9_-]{16,128}$' } as const;
const caseRef = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9/._-]{0,127}$' } as const;
const justification = { type: 'string', minLength: 10, maxLength: 2000 } as const;
const jti = messageId;

/** `POST /api/v1/disclosures`: an analyst asks the owner of a hit for the full record (step 2). */
export const disclosureRequestSchema = {
  $id: 'urn:mosaic:schema:disclosure-request',
  type: 'object',
  additionalProperties: false,
  required: ['peer', 'ref', 'caseRef', 'purpose', 'legalBasis', 'justification'],
  properties: {
    peer: agencyId,
    ref,
    caseRef,
    purpose: identifier,
    legalBasis: shortText,
    justification,
    urgency: { enum: URGENCIES, default: 'standard' },
  },
} as const;

/** The claims of the signed step-2 request, node to node (`typ: mosaic-disclosure+jws`). */
export const disclosureClaimsSchema = {
  $id: 'urn:mosaic:schema:disclosure-claims',
  type: 'object',
  additionalProperties: false,
  required: [
    'iss',
    'aud',
    'iat',
    'exp',
    'jti',
    'cnf',
    'ref',
    'caseRef',
    'purpose',
    'legalBasis',
    'justification',
    'urgency',
    'requester',
  ],
  properties: {
    iss: agencyId,
    aud: agencyId,
    iat: epochSeconds,
    exp: epochSeconds,
    jti,
    cnf: certificateBinding,
    ref,
    caseRef,
    purpose: identifier,
    legalBasis: shortText,
    justification,
    urgency: { enum: URGENCIES },
    requester: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'role'],
      properties: {
        id: { type: 'string', pattern: '^[A-Za-z0-9_-]{4,64}$' },
        role: { enum: ['analyst'] },
      },
    },
    traceparent,
  },
} as const;

/**
 * `withdrawn`: the request was approved, but before a delivery the owner found that its policy would no longer
 * release the record (flagged, deleted, permission removed); the reply carries no record and says why.
 */
export const DISCLOSURE_STATUSES = ['queued', 'approved', 'refused', 'withdrawn'] as const;
export type DisclosureStatus = (typeof DISCLOSURE_STATUSES)[number];

/**
 * The owner's signed answer to a step-2 request (`typ: mosaic-record+jws`). The answer carrying the record is
 * signed once, when the request is approved, and handed out unchanged at every delivery (docs/protocol.md).
 */
export const disclosureReplySchema = {
  $id: 'urn:mosaic:schema:disclosure-reply',
  type: 'object',
  additionalProperties: false,
  required: [
    'iss',
    'aud',
    'iat',
    'jti',
    'id',
    'requestJti',
    'requestDigest',
    'status',
    'reasonCode',
    'deadline',
  ],
  properties: {
    iss: agencyId,
    aud: agencyId,
    iat: epochSeconds,
    jti,
    id: { type: 'string', pattern: '^[0-9a-f-]{36}$', description: "The owner's id of the request." },
    requestJti: jti,
    requestDigest: digest,
    status: { enum: DISCLOSURE_STATUSES },
    reasonCode: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{2,63}$' },
    deadline: { type: 'string', format: 'date-time' },
    decidedAt: { type: 'string', format: 'date-time' },
    note: { type: 'string', maxLength: 2000 },
    policyDigest: digest,
    record: {
      type: 'object',
      additionalProperties: false,
      required: ['dataset', 'kind', 'fields'],
      properties: {
        dataset: identifier,
        kind: { type: 'string', maxLength: 32 },
        fields: { type: 'object', maxProperties: 256, additionalProperties: { type: 'string' } },
      },
    },
    handlingCode: { type: 'string', maxLength: 64 },
    retentionDays: { type: 'integer', minimum: 1, maximum: 36500 },
  },
} as const;

export interface DisclosureRequest {
  peer: string;
  ref: string;
  caseRef: string;
  purpose: string;
  legalBasis: string;
  justification: string;
  urgency: Urgency;
}

export interface DisclosureClaims extends Omit<DisclosureRequest, 'peer'> {
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  cnf: { 'x5t#S256': string };
  requester: { id: string; role: 'analyst' };
  traceparent?: string;
}

export interface DisclosureReply {
  iss: string;
  aud: string;
  iat: number;
  jti: string;
  id: string;
  requestJti: string;
  requestDigest: `sha256:${string}`;
  status: DisclosureStatus;
  reasonCode: string;
  deadline: string;
  decidedAt?: string;
  note?: string;
  policyDigest?: `sha256:${string}`;
  record?: { dataset: string; kind: string; fields: Record<string, string> };
  handlingCode?: string;
  retentionDays?: number;
}
