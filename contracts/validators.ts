import { nodeConfigSchema } from './schemas/node-config.js';
import { problemSchema } from './schemas/problem.js';
import { queryClaimsSchema } from './schemas/query-claims.js';
import { responseClaimsSchema } from './schemas/response-claims.js';
import { searchRequestSchema } from './schemas/search-request.js';
import { trustAnchorsSchema, trustListSchema } from './schemas/trust-list.js';
import type { QueryClaims, ResponseClaims, SearchRequest, TrustAnchors, TrustList } from './types.js';
import { compileSchema } from './validate.js';
import type { Problem } from './errors/problem.js';

/** Validators compiled once when contracts/ is first imported. */
export const validateQueryClaims = compileSchema<QueryClaims>(queryClaimsSchema);
export const validateResponseClaims = compileSchema<ResponseClaims>(responseClaimsSchema);
export const validateProblem = compileSchema<Problem>(problemSchema);
export const validateTrustList = compileSchema<TrustList>(trustListSchema);
export const validateTrustAnchors = compileSchema<TrustAnchors>(trustAnchorsSchema);
/** Validates the raw YAML/JSON document (before paths are resolved); applies defaults in place. */
export const validateNodeConfig = compileSchema<unknown>(nodeConfigSchema);
/** Applies defaults (granularity, deadline) in place. */
export const validateSearchRequest = compileSchema<SearchRequest>(searchRequestSchema);
