import type { Digest } from './canonical/digest.js';
import type { Granularity, SubjectKind } from './schemas/common.js';

/** TypeScript views of the schemas in `schemas/`; a test validates a sample of each type against its schema. */

export type PersonSelectors = {
  fullName?: string;
  givenName?: string;
  familyName?: string;
  birthDate?: string;
  nationality?: string;
  gender?: 'female' | 'male' | 'other' | 'unknown';
};

export type Subject =
  | { kind: 'person'; selectors: PersonSelectors }
  | { kind: 'phone'; selectors: { number: string; country?: string } }
  | { kind: 'email'; selectors: { address: string } }
  | { kind: 'document'; selectors: { number: string; type?: string; country?: string } }
  | { kind: 'account'; selectors: { iban?: string; bic?: string; number?: string } }
  | { kind: 'vehicle'; selectors: { plate?: string; country?: string; vin?: string } }
  | { kind: 'address'; selectors: { text: string; postcode?: string; country?: string } }
  | { kind: 'organisation'; selectors: { name: string; country?: string; registration?: string } };

export type RequesterRole = 'analyst' | 'disclosure-officer' | 'auditor' | 'admin' | 'system';

export interface QueryClaims {
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  cnf: { 'x5t#S256': string };
  purpose: string;
  legalBasis: string;
  caseRef: string;
  requester: { id: string; role: RequesterRole };
  subject: Subject;
  granularity: Granularity;
  datasets?: string[];
  traceparent?: string;
}

export interface DecisionSummary {
  effect: 'permit' | 'deny';
  reasonCode: string;
  ruleIds: string[];
  granted: Granularity | null;
  coarsened: boolean;
  policyDigest?: Digest;
}

export interface Hit {
  ref: string;
  score: number;
  band: 'match' | 'possible' | 'non-match';
  kind?: string;
  evidence?: Record<string, unknown>[];
  fields?: Record<string, unknown>;
  links?: Record<string, unknown>[];
}

export interface DatasetResult {
  dataset: string;
  decision: DecisionSummary;
  exists?: boolean;
  count?: number;
  hits?: Hit[];
}

export interface Receipt {
  leafIndex: number;
  leafHash?: string;
  checkpoint: string;
}

export interface ResponseClaims {
  iss: string;
  aud: string;
  iat: number;
  jti: string;
  queryJti: string;
  queryDigest: Digest;
  decision: DecisionSummary;
  results: DatasetResult[];
  receipt: Receipt | null;
}

export type PublicJwk =
  | { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid: string; alg?: 'ES256'; use?: 'sig' }
  | { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg?: 'EdDSA'; use?: 'sig' };

export interface TrustListMember {
  agencyId: string;
  name: string;
  country: string;
  endpoint: string;
  tlsPins: string[];
  jwks: { keys: PublicJwk[] };
  groups: string[];
  logKey?: string;
  witnessKey?: string;
  validFrom?: string;
  validUntil?: string;
}

export interface TrustList {
  federation: string;
  version: number;
  issuedAt: string;
  expiresAt: string;
  purposes?: string[];
  members: TrustListMember[];
}

export interface TrustAnchors {
  federation: string;
  keys: PublicJwk[];
}

export interface ListenerConfig {
  host: string;
  port: number;
}

/** The node configuration after validation and defaults; paths are absolute. */
export interface NodeConfig {
  agency: { id: string; name?: string; country: string };
  endpoint: string;
  dataDir: string;
  listen: { peer: ListenerConfig; api: ListenerConfig };
  tls: { key: string; cert: string; ca: string; crl?: string; passphraseFile?: string };
  signing: { key: string; passphraseFile?: string };
  trustList: {
    source: string;
    anchors: string;
    sourceCa?: string;
    maxAgeSeconds: number;
    refreshSeconds: number;
  };
  audit: {
    logKey: string;
    witnessKey: string;
    checkpointEvery: number;
    checkpointIntervalMs: number;
    cosignIntervalSeconds: number;
    maxDatabaseBytes?: number;
  };
  policies?: { dir: string; requireSignedBy?: string };
  data?: { path: string; cacheRecords?: number; matchWorkers?: number };
  oidc?: {
    issuer: string;
    audience: string;
    jwksUri: string;
    roleClaim: string;
    usernameClaim: string;
    roleMap: Record<string, 'analyst' | 'disclosure-officer' | 'auditor' | 'admin'>;
  };
  /** Searches one analyst may start: in any 60 s, and per UTC day. */
  api: { searchLimits: { perMinute: number; perDay: number } };
  /** Thresholds of the responder's enumeration alarm, per peer and window. */
  enumerationWatch: { windowSeconds: number; distinctSubjects: number; hitRatio: number };
  telemetry: { otlpEndpoint?: string; propagateTraceContext: boolean };
  protocol: {
    clockToleranceSeconds: number;
    maxQueryLifetimeSeconds: number;
    /** Days a hit reference stays usable for step 2 (then refused as unknown and deleted). */
    hitRefDays: number;
    /** Step-2 requests from one peer that may wait for a disclosure officer at once (more: 429). */
    maxOpenDisclosuresPerPeer: number;
    maxBodyBytes: number;
    requestTimeoutMs: number;
    rateLimit: { perSecond: number; burst: number };
  };
}

export interface SearchRequest {
  subject: Subject;
  purpose: string;
  legalBasis: string;
  caseRef: string;
  granularity: Granularity;
  datasets?: string[];
  targets?: { agencies?: string[]; groups?: string[] };
  required?: string[];
  deadlineMs: number;
  peerDeadlineMs?: number;
}

export type { Granularity, SubjectKind };
