import {
  type DatasetResult,
  type Digest,
  MosaicError,
  type QueryClaims,
  type Receipt,
  type ResponseClaims,
  sha256Digest,
  validateQueryClaims,
} from '../../contracts/index.js';
import {
  type DecodedJws,
  decodeCompact,
  type JwsType,
  signCompactAsync,
  verifySignatureAsync as verifyJwsSignatureAsync,
} from '../jws/compact.js';
import { SpanStatusCode } from '@opentelemetry/api';
import type { SigningKey } from '../keys/jwk.js';
import { randomId } from '../random.js';
import { tracer } from '../tracing.js';
import type { Member, TrustStore } from '../trust/trust-list.js';
import type { PeerIdentity } from './identity.js';
import type {
  AuditPort,
  DecisionPort,
  MatchPort,
  QueryDecision,
  QueryObserver,
  VerifiedQuery,
} from './ports.js';
import type { RateLimiter } from './rate-limit.js';
import type { ReplayStore } from './replay-store.js';

/** The state of one exchange as it moves through the steps; each step fills in what it established. */
export interface Exchange extends Envelope {
  claims?: QueryClaims;
  queryDigest?: Digest;
  decision?: QueryDecision;
  results?: DatasetResult[];
  receipt?: Receipt | null;
  responseJti?: string;
  response?: string;
}

export interface PipelineDeps extends EnvelopeDeps {
  /** The current signing key (it can change on reload). */
  readonly signer: () => SigningKey;
  readonly decisions: DecisionPort;
  readonly matcher: MatchPort;
  /** Watches each peer's queries (enumeration); optional. */
  readonly observer?: QueryObserver;
  readonly audit: AuditPort;
}

export type Step = (ex: Exchange) => void | Promise<void>;

/** The part of an exchange every signed peer request shares: who sent it and the verified JWS. */
export interface Envelope {
  readonly now: number;
  readonly identity: PeerIdentity;
  readonly token: string;
  peer?: Member;
  jws?: DecodedJws;
}

export interface EnvelopeDeps {
  readonly self: string;
  /** Per-peer rate limit, checked right after the TLS identity (before any signature work). */
  readonly rateLimiter?: RateLimiter;
  readonly trust: TrustStore;
  readonly replay: ReplayStore;
  readonly protocol: { readonly clockToleranceSeconds: number; readonly maxQueryLifetimeSeconds: number };
}

/**
 * The envelope checks of every signed peer request (queries, disclosure requests), in DESIGN.md's order:
 * TLS peer is a member → JWS signature with the issuer's keys → certificate binding → time window → `jti`
 * never seen. `typ` keeps one message type from being replayed as another.
 */
export function envelopeSteps<E extends Envelope>(
  deps: EnvelopeDeps,
  typ: JwsType,
): ((ex: E) => void | Promise<void>)[] {
  const { trust, replay, protocol } = deps;

  function authenticatePeer(ex: E): void {
    ex.peer = authenticateMember(ex.identity, trust, ex.now);
    if (deps.rateLimiter && !deps.rateLimiter.take(ex.peer.agencyId)) {
      throw new MosaicError('MOSAIC_ERR_REQUEST_RATE_LIMITED', {
        detail: String(deps.rateLimiter.retryAfter(ex.peer.agencyId)),
      });
    }
  }

  async function verifySignature(ex: E): Promise<void> {
    const jws = decodeCompact(ex.token, typ);
    const iss = jws.payload['iss'];
    if (typeof iss !== 'string') throw new MosaicError('MOSAIC_ERR_QUERY_SCHEMA', { detail: 'iss missing' });
    const issuer = trust.member(iss, ex.now);
    if (!issuer) throw new MosaicError('MOSAIC_ERR_JWS_UNKNOWN_ISSUER');
    const key = issuer.keys.get(jws.header.kid);
    if (!key) throw new MosaicError('MOSAIC_ERR_JWS_KEY_NOT_OF_ISSUER');
    await verifyJwsSignatureAsync(jws, key);
    ex.jws = jws;
  }

  function checkBinding(ex: E): void {
    const payload = ex.jws!.payload;
    const cnf = payload['cnf'] as { 'x5t#S256'?: unknown } | undefined;
    const id = ex.identity;
    // RFC 8705 §3: the request must arrive over the very certificate it names, from the agency that signed it.
    if (
      id.state !== 'verified' ||
      typeof cnf !== 'object' ||
      cnf === null ||
      cnf['x5t#S256'] !== id.thumbprint
    ) {
      throw new MosaicError('MOSAIC_ERR_QUERY_BINDING_MISMATCH', {
        detail: 'cnf does not name this certificate',
      });
    }
    if (payload['iss'] !== ex.peer!.agencyId) {
      throw new MosaicError('MOSAIC_ERR_QUERY_BINDING_MISMATCH', { detail: 'iss is not the TLS peer' });
    }
  }

  function checkFreshness(ex: E): void {
    const { iat, exp, aud } = ex.jws!.payload;
    if (aud !== deps.self) throw new MosaicError('MOSAIC_ERR_QUERY_WRONG_AUDIENCE');
    if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) {
      throw new MosaicError('MOSAIC_ERR_QUERY_SCHEMA', {
        issues: [{ path: '/iat', message: 'must be integer' }],
      });
    }
    const now = Math.floor(ex.now / 1000);
    const tol = protocol.clockToleranceSeconds;
    if ((iat as number) > now + tol) throw new MosaicError('MOSAIC_ERR_QUERY_NOT_YET_VALID');
    if ((exp as number) + tol < now) throw new MosaicError('MOSAIC_ERR_QUERY_EXPIRED');
    const lifetime = (exp as number) - (iat as number);
    if (lifetime < 0 || lifetime > protocol.maxQueryLifetimeSeconds) {
      throw new MosaicError('MOSAIC_ERR_QUERY_LIFETIME_TOO_LONG');
    }
  }

  function rejectReplay(ex: E): void {
    const { iss, jti, exp, iat } = ex.jws!.payload;
    if (typeof jti !== 'string' || jti.length > 64) {
      throw new MosaicError('MOSAIC_ERR_QUERY_SCHEMA', { issues: [{ path: '/jti', message: 'invalid' }] });
    }
    const keepUntil = (exp as number) + protocol.clockToleranceSeconds;
    // iat minus the tolerance: a token stamped just after a restart by a fast clock may predate it.
    const issuedAt = (iat as number) - protocol.clockToleranceSeconds;
    if (!replay.remember(iss as string, jti, keepUntil, Math.floor(ex.now / 1000), issuedAt)) {
      throw new MosaicError('MOSAIC_ERR_QUERY_REPLAYED');
    }
  }

  return [authenticatePeer, verifySignature, checkBinding, checkFreshness, rejectReplay];
}

/**
 * The responder's pipeline for `POST /fed/v1/queries`, in the order DESIGN.md gives. Each step is a named
 * function so that stack traces, logs and spans say which check refused a query.
 */
export function createQueryPipeline(deps: PipelineDeps): readonly Step[] {
  function validateQuery(ex: Exchange): void {
    const payload = ex.jws!.payload;
    if (!validateQueryClaims(payload)) {
      throw new MosaicError('MOSAIC_ERR_QUERY_SCHEMA', { issues: validateQueryClaims.issues() });
    }
    ex.claims = payload;
    ex.queryDigest = sha256Digest(ex.token);
  }

  async function decide(ex: Exchange): Promise<void> {
    ex.decision = await deps.decisions.decide(verified(ex));
  }

  async function match(ex: Exchange): Promise<void> {
    ex.results = await deps.matcher.match(verified(ex), ex.decision!);
  }

  function watchPattern(ex: Exchange): void {
    deps.observer?.observe(verified(ex), ex.results!);
  }

  async function appendAudit(ex: Exchange): Promise<void> {
    // Audit first (DESIGN principle 4): if this rejects, the response is never built, let alone sent.
    ex.responseJti = randomId();
    ex.receipt = await deps.audit.recordExchange({
      query: verified(ex),
      decision: ex.decision!,
      results: ex.results!,
      responseJti: ex.responseJti,
    });
  }

  async function signResponse(ex: Exchange): Promise<void> {
    const claims = ex.claims!;
    const response: ResponseClaims = {
      iss: deps.self,
      aud: claims.iss,
      iat: Math.floor(ex.now / 1000),
      jti: ex.responseJti!,
      queryJti: claims.jti,
      queryDigest: ex.queryDigest!,
      decision: ex.decision!.overall,
      results: ex.results!,
      receipt: ex.receipt ?? null,
    };
    ex.response = await signCompactAsync(response, deps.signer(), 'mosaic-response+jws');
  }

  return [
    ...envelopeSteps<Exchange>(deps, 'mosaic-query+jws'),
    validateQuery,
    decide,
    match,
    watchPattern,
    appendAudit,
    signResponse,
  ];
}

/** The TLS client must hold a federation certificate whose key is pinned for a current member. */
export function authenticateMember(id: PeerIdentity, trust: TrustStore, now: number): Member {
  if (id.state === 'no-cert') throw new MosaicError('MOSAIC_ERR_TLS_NO_CLIENT_CERT');
  if (id.state === 'untrusted') throw new MosaicError('MOSAIC_ERR_TLS_UNTRUSTED_CERT', { detail: id.reason });
  const member = trust.memberByPin(id.pin, now);
  if (!member) throw new MosaicError('MOSAIC_ERR_TLS_NOT_A_MEMBER');
  return member;
}

function verified(ex: Exchange): VerifiedQuery {
  return { claims: ex.claims!, peer: ex.peer!, queryDigest: ex.queryDigest!, token: ex.token, now: ex.now };
}

/**
 * Run the steps in order; the first to throw ends the exchange. Sync steps are not awaited (hot path).
 * `observe` receives each step's name and duration in seconds, for metrics and traces.
 */
export async function runPipeline(
  steps: readonly Step[],
  ex: Exchange,
  observe?: (step: string, seconds: number) => void,
): Promise<void> {
  for (const step of steps) {
    const t0 = observe ? performance.now() : 0;
    // One span per step, named after it (a no-op unless telemetry is started).
    const span = tracer.startSpan(step.name);
    try {
      const r = step(ex);
      if (r !== undefined) await r;
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as { code?: string }).code ?? 'error' });
      throw err;
    } finally {
      span.end();
      if (observe) observe(step.name, (performance.now() - t0) / 1000);
    }
  }
}
