/** contracts/: schemas, validators, types, canonical JSON, digests and the error registry. Imports nothing of ours. */
export { canonicalize } from './canonical/json.js';
export {
  canonicalDigest,
  DIGEST_PATTERN,
  type Digest,
  sha256Base64url,
  sha256Digest,
} from './canonical/digest.js';
export { ERROR_CODE_PATTERN, type ErrorSpec } from './errors/spec.js';
export { ERRORS, type ErrorCode, isErrorCode } from './errors/registry.js';
export { type Issue, isMosaicError, MosaicError, type MosaicErrorOptions } from './errors/mosaic-error.js';
export { type Problem, PROBLEM_TYPE_BASE, toProblem } from './errors/problem.js';
export { assertValid, compileSchema, type Validator } from './validate.js';
export {
  GRANULARITIES,
  type Granularity,
  granularityRank,
  SUBJECT_KINDS,
  type SubjectKind,
} from './schemas/common.js';
export { queryClaimsSchema } from './schemas/query-claims.js';
export { responseClaimsSchema } from './schemas/response-claims.js';
export { searchRequestSchema } from './schemas/search-request.js';
export { problemSchema } from './schemas/problem.js';
export { trustAnchorsSchema, trustListSchema } from './schemas/trust-list.js';
export { nodeConfigSchema } from './schemas/node-config.js';
export { jwksSchema, publicJwkSchema } from './schemas/jwk.js';
export type * from './types.js';
export {
  validateNodeConfig,
  validateProblem,
  validateQueryClaims,
  validateResponseClaims,
  validateSearchRequest,
  validateTrustAnchors,
  validateTrustList,
} from './validators.js';
export {
  AUDIT_DIRECTIONS,
  AUDIT_EVENT_KINDS,
  type AuditDirection,
  type AuditEvent,
  type AuditEventKind,
  type AuditReceipt,
  auditEventSchema,
  type CommittedAuditEvent,
  type ResponseOutcome,
} from './schemas/audit-event.js';
export {
  type FieldTransform,
  POLICY_SENSITIVITIES,
  type PolicyConditionsDoc,
  type PolicyFileDoc,
  type PolicyGrantDoc,
  type PolicyManifestDoc,
  type PolicyQuotaDoc,
  type PolicyRecordFilterDoc,
  type PolicyRuleDoc,
  type PolicySensitivity,
  policyCasesSchema,
  policyFileSchema,
  policyManifestSchema,
  MAX_QUOTAS_PER_GRANT,
  QUOTA_COUNTS,
  QUOTA_PERIODS,
  QUOTA_SCOPES,
  type QuotaCounts,
  type QuotaPeriod,
  type QuotaScope,
  SELECTORS_BY_KIND,
  TRANSFORM_PATTERN,
} from './schemas/policy.js';
export {
  ENTITY_FIELDS,
  ENTITY_KINDS,
  type EntityKind,
  type EntityLink,
  type EntityRecord,
  entityRecordSchema,
  LINK_TYPES,
  type LinkType,
  type RecordMeta,
  SENSITIVITY_LEVELS,
  type Sensitivity,
  validateEntityRecord,
} from './schemas/entity.js';
export {
  DISCLOSURE_STATUSES,
  type DisclosureClaims,
  disclosureClaimsSchema,
  type DisclosureReply,
  disclosureReplySchema,
  type DisclosureRequest,
  disclosureRequestSchema,
  type DisclosureStatus,
  URGENCIES,
  type Urgency,
} from './schemas/disclosure.js';
