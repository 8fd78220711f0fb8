import type { Digest } from '../canonical/digest.js';
import {
  agencyId,
  digest,
  granularity,
  identifier,
  SUBJECT_KINDS,
  type Granularity,
  type SubjectKind,
  receiptSchema,
} from './common.js';

/**
 * Canonical audit events: the part of each ledger entry a Merkle leaf commits to (its RFC 8785 form is the leaf
 * data). Closed at every level so two nodes can never disagree on what an entry means.
 *
 * Personal data never sits here. Query selectors are committed only through `queryDigest` (SHA-256 of the
 * compact JWS, whose random `jti` and signature make it useless for dictionary guessing); anything personal a
 * node must keep (the selectors it asked about, a delivered record) goes into the entry's purgeable body, which
 * the leaf commits to through `bodyDigest` (salted, see docs/audit.md).
 */

const time = {
  type: 'string',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$',
  description: 'UTC instant in ISO 8601 with Z, passed in by the caller; sorts as text.',
} as const;
const jti = { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' } as const;
const officer = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]{4,64}$',
  description: 'Pseudonymous officer id (never a name), or "system".',
} as const;
const caseRef = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9/._-]{0,127}$' } as const;
const reasonCode = { type: 'string', pattern: '^[A-Z][A-Z0-9_]{2,63}$' } as const;
const errorCode = { type: 'string', pattern: '^MOSAIC_ERR_[A-Z0-9]+(_[A-Z0-9]+)*$' } as const;
const ruleIds = {
  type: 'array',
  maxItems: 64,
  items: { type: 'string', minLength: 1, maxLength: 128 },
} as const;
const hitRef = { type: 'string', pattern: '^[A-Za-z0-9_-]{16,128}$' } as const;
const count = { type: 'integer', minimum: 0, maximum: 1_000_000 } as const;
const traceId = { type: 'string', pattern: '^[0-9a-f]{32}$' } as const;
const grantedOrNull = { anyOf: [granularity, { type: 'null' }] } as const;

export const AUDIT_EVENT_KINDS = [
  'query-sent',
  'query-received',
  'decision',
  'response-sent',
  'response-received',
  'disclosure-requested',
  'disclosure-approved',
  'disclosure-refused',
  'disclosure-delivered',
  'disclosure-withdrawn',
  'disclosure-expired',
  'rejected',
  'policy-bundle-changed',
  'trust-list-changed',
  'user-changed',
  'key-changed',
  'witness-conflict',
  'ledger-purged',
  'peer-enumeration-suspected',
] as const;
export type AuditEventKind = (typeof AUDIT_EVENT_KINDS)[number];

/** Direction of the exchange seen from this node: it asked (outbound), it answered (inbound), or admin. */
export const AUDIT_DIRECTIONS = ['outbound', 'inbound', 'local'] as const;
export type AuditDirection = (typeof AUDIT_DIRECTIONS)[number];

type Props = Record<string, unknown>;

/** Every committed event carries these; the store adds `v` and `bodyDigest`. */
const base: Props = {
  v: { const: 1 },
  time,
  officer,
  bodyDigest: { anyOf: [digest, { type: 'null' }] },
  traceId,
};
const baseRequired = ['v', 'kind', 'time', 'officer', 'bodyDigest', 'direction'];

/** Exchange events link the query's jti, the peer agency, the purpose and the case. */
const exchange: Props = { jti, peer: agencyId, purpose: identifier, caseRef };
const exchangeRequired = ['jti', 'peer', 'purpose', 'caseRef'];

function kindSchema(
  kind: AuditEventKind,
  directions: readonly AuditDirection[],
  properties: Props,
  required: readonly string[],
  withExchange = true,
) {
  return {
    type: 'object',
    additionalProperties: false,
    required: [...baseRequired, ...(withExchange ? exchangeRequired : []), ...required],
    properties: {
      ...base,
      ...(withExchange ? exchange : {}),
      kind: { const: kind },
      direction: directions.length === 1 ? { const: directions[0] } : { enum: directions },
      ...properties,
    },
  };
}

const queryProps: Props = {
  queryDigest: { ...digest, description: 'SHA-256 of the exact compact JWS of the query.' },
  subjectKind: { enum: SUBJECT_KINDS },
  granularity,
  datasets: { type: 'array', maxItems: 32, items: identifier },
};
const outcome = { enum: ['hit', 'no-hit', 'denied', 'error'] } as const;
const responseProps: Props = {
  queryDigest: digest,
  responseJti: jti,
  responseDigest: { ...digest, description: 'SHA-256 of the exact compact JWS of the response.' },
  outcome,
  hitCount: count,
  granted: grantedOrNull,
  releasedDigest: { ...digest, description: 'Digest of the released results, not the results themselves.' },
};
const receipt = receiptSchema;
const disclosureProps: Props = {
  disclosureId: jti,
  hitRef,
  reasonCode,
  ruleIds,
  recordDigest: {
    ...digest,
    description: 'Digest of the delivered record (the record itself is in the body).',
  },
};

/** The closed JSON Schema (2020-12) of a committed audit event. */
export const auditEventSchema = {
  $id: 'urn:mosaic:schema:audit-event',
  type: 'object',
  required: ['kind'],
  properties: { kind: { enum: AUDIT_EVENT_KINDS } },
  discriminator: { propertyName: 'kind' },
  oneOf: [
    kindSchema('query-sent', ['outbound'], queryProps, ['queryDigest', 'subjectKind', 'granularity']),
    kindSchema('query-received', ['inbound'], queryProps, ['queryDigest', 'subjectKind', 'granularity']),
    kindSchema(
      'decision',
      ['inbound'],
      {
        dataset: identifier,
        effect: { enum: ['permit', 'deny'] },
        reasonCode,
        ruleIds,
        policyDigest: digest,
        granted: grantedOrNull,
        coarsened: { type: 'boolean' },
      },
      ['effect', 'reasonCode', 'ruleIds', 'policyDigest', 'granted'],
    ),
    // The response carries this leaf's receipt, so the leaf cannot commit to the response's own bytes: it
    // commits to the query digest, the response jti and the digest of what was released instead.
    kindSchema('response-sent', ['inbound'], responseProps, [
      'queryDigest',
      'responseJti',
      'outcome',
      'hitCount',
      'releasedDigest',
    ]),
    kindSchema(
      'response-received',
      ['outbound'],
      {
        ...responseProps,
        receipt,
        receiptVerified: {
          type: 'boolean',
          description: 'The receipt checkpoint verified with the peer log key.',
        },
      },
      ['queryDigest', 'responseJti', 'responseDigest', 'outcome', 'hitCount', 'receipt', 'receiptVerified'],
    ),
    kindSchema('disclosure-requested', ['outbound', 'inbound'], disclosureProps, ['disclosureId', 'hitRef']),
    kindSchema('disclosure-approved', ['outbound', 'inbound'], disclosureProps, ['disclosureId', 'hitRef']),
    kindSchema('disclosure-refused', ['outbound', 'inbound'], disclosureProps, [
      'disclosureId',
      'hitRef',
      'reasonCode',
    ]),
    kindSchema('disclosure-delivered', ['outbound', 'inbound'], disclosureProps, ['disclosureId', 'hitRef']),
    // An approved request the owner will no longer deliver: its policy now withholds the record (reasonCode).
    kindSchema('disclosure-withdrawn', ['outbound', 'inbound'], disclosureProps, [
      'disclosureId',
      'hitRef',
      'reasonCode',
    ]),
    // A node deleted a released record: the requester at the end of its retention, the owner its frozen copy
    // at the end of the delivery window. recordDigest names the signed reply that carried it, when there was one.
    kindSchema('disclosure-expired', ['local'], disclosureProps, ['disclosureId', 'hitRef']),
    // A rejected message may not even have a readable jti or peer (bad signature, unknown certificate).
    kindSchema(
      'rejected',
      ['outbound', 'inbound'],
      {
        ...exchange,
        code: errorCode,
        status: { type: 'integer', minimum: 400, maximum: 599 },
        step: identifier,
        messageDigest: {
          ...digest,
          description: 'SHA-256 of the rejected message bytes, when there were any.',
        },
      },
      ['code', 'status'],
      false,
    ),
    kindSchema(
      'policy-bundle-changed',
      ['local'],
      { policyDigest: digest, previousDigest: digest },
      ['policyDigest'],
      false,
    ),
    kindSchema(
      'trust-list-changed',
      ['local'],
      { federation: identifier, version: { type: 'integer', minimum: 0 }, trustListDigest: digest },
      ['version', 'trustListDigest'],
      false,
    ),
    kindSchema(
      'user-changed',
      ['local'],
      {
        userId: officer,
        action: { enum: ['created', 'updated', 'disabled', 'deleted'] },
        role: { enum: ['analyst', 'disclosure-officer', 'auditor', 'admin'] },
      },
      ['userId', 'action'],
      false,
    ),
    kindSchema(
      'key-changed',
      ['local'],
      {
        keyKind: { enum: ['signing', 'tls', 'log', 'witness'] },
        action: { enum: ['created', 'rotated', 'revoked'] },
        keyId: { type: 'string', minLength: 1, maxLength: 128 },
      },
      ['keyKind', 'action', 'keyId'],
      false,
    ),
    kindSchema(
      'witness-conflict',
      ['local'],
      {
        peer: agencyId,
        origin: { type: 'string', minLength: 1, maxLength: 255 },
        size: { type: 'integer', minimum: 0 },
        evidenceDigest: { ...digest, description: 'Digest of the two conflicting signed checkpoints.' },
      },
      ['origin', 'size', 'evidenceDigest'],
      false,
    ),
    kindSchema('ledger-purged', ['local'], { before: time, purged: count }, ['before', 'purged'], false),
    // A peer's queries crossed the enumeration thresholds (gateway/responder/enumeration-watch.ts): once per
    // episode, with the window's numbers. No subject: what it asked about is in the exchanges' own entries.
    kindSchema(
      'peer-enumeration-suspected',
      ['local'],
      { peer: agencyId, since: time, queries: count, hitQueries: count, distinctSubjects: count },
      ['peer', 'since', 'queries', 'hitQueries', 'distinctSubjects'],
      false,
    ),
  ],
} as const;

// ---------------------------------------------------------------------------------------------------------
// TypeScript views. `AuditEvent` is what callers hand to the ledger; `CommittedAuditEvent` is the leaf.

interface EventBase {
  time: string;
  officer: string;
  traceId?: string;
}
interface ExchangeFields {
  jti: string;
  peer: string;
  purpose: string;
  caseRef: string;
}
interface QueryFields {
  queryDigest: Digest;
  subjectKind: SubjectKind;
  granularity: Granularity;
  datasets?: string[];
}
export type ResponseOutcome = 'hit' | 'no-hit' | 'denied' | 'error';
interface ResponseFields {
  queryDigest: Digest;
  responseJti: string;
  responseDigest?: Digest;
  outcome: ResponseOutcome;
  hitCount: number;
  granted?: Granularity | null;
  releasedDigest?: Digest;
}
export interface AuditReceipt {
  leafIndex: number;
  leafHash?: string;
  checkpoint: string;
}
interface DisclosureFields {
  disclosureId: string;
  hitRef: string;
  reasonCode?: string;
  ruleIds?: string[];
  recordDigest?: Digest;
}
type DisclosureKind =
  | 'disclosure-requested'
  | 'disclosure-approved'
  | 'disclosure-refused'
  | 'disclosure-delivered'
  | 'disclosure-withdrawn'
  | 'disclosure-expired';

export type AuditEvent =
  | (EventBase & ExchangeFields & QueryFields & { kind: 'query-sent'; direction: 'outbound' })
  | (EventBase & ExchangeFields & QueryFields & { kind: 'query-received'; direction: 'inbound' })
  | (EventBase &
      ExchangeFields & {
        kind: 'decision';
        direction: 'inbound';
        dataset?: string;
        effect: 'permit' | 'deny';
        reasonCode: string;
        ruleIds: string[];
        policyDigest: Digest;
        granted: Granularity | null;
        coarsened?: boolean;
      })
  | (EventBase & ExchangeFields & ResponseFields & { kind: 'response-sent'; direction: 'inbound' })
  | (EventBase &
      ExchangeFields &
      ResponseFields & {
        kind: 'response-received';
        direction: 'outbound';
        receipt: AuditReceipt | null;
        receiptVerified: boolean;
      })
  | (EventBase &
      ExchangeFields &
      DisclosureFields & { kind: DisclosureKind; direction: 'outbound' | 'inbound' | 'local' })
  | (EventBase &
      Partial<ExchangeFields> & {
        kind: 'rejected';
        direction: 'outbound' | 'inbound';
        code: string;
        status: number;
        step?: string;
        messageDigest?: Digest;
      })
  | (EventBase & {
      kind: 'policy-bundle-changed';
      direction: 'local';
      policyDigest: Digest;
      previousDigest?: Digest;
    })
  | (EventBase & {
      kind: 'trust-list-changed';
      direction: 'local';
      federation?: string;
      version: number;
      trustListDigest: Digest;
    })
  | (EventBase & {
      kind: 'user-changed';
      direction: 'local';
      userId: string;
      action: 'created' | 'updated' | 'disabled' | 'deleted';
      role?: 'analyst' | 'disclosure-officer' | 'auditor' | 'admin';
    })
  | (EventBase & {
      kind: 'key-changed';
      direction: 'local';
      keyKind: 'signing' | 'tls' | 'log' | 'witness';
      action: 'created' | 'rotated' | 'revoked';
      keyId: string;
    })
  | (EventBase & {
      kind: 'witness-conflict';
      direction: 'local';
      peer?: string;
      origin: string;
      size: number;
      evidenceDigest: Digest;
    })
  | (EventBase & { kind: 'ledger-purged'; direction: 'local'; before: string; purged: number })
  | (EventBase & {
      kind: 'peer-enumeration-suspected';
      direction: 'local';
      peer: string;
      since: string;
      queries: number;
      hitQueries: number;
      distinctSubjects: number;
    });

/** The committed form: what the leaf hashes (RFC 8785), with the schema version and the body's digest. */
export type CommittedAuditEvent = AuditEvent & { v: 1; bodyDigest: Digest | null };
