import { createHash } from 'node:crypto';
import { Agent, request } from 'node:https';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import {
  isMosaicError,
  MosaicError,
  type Problem,
  type QueryClaims,
  type ResponseClaims,
  sha256Digest,
  validateProblem,
  validateResponseClaims,
} from '../../contracts/index.js';
import { decodeCompact, type JwsType, signCompact, verifySignature } from '../jws/compact.js';
import type { SigningKey } from '../keys/jwk.js';
import { randomId } from '../random.js';
import { injectHeaders, inSpan, SpanKind } from '../tracing.js';
import type { Member, TrustStore } from '../trust/trust-list.js';

/** The claims the client adds to every signed request. */
export interface EnvelopeClaims {
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  cnf: { 'x5t#S256': string };
  traceparent?: string;
}

/** The parts of a query the caller chooses; the client adds the envelope claims. */
export type QueryInput = Omit<QueryClaims, 'iss' | 'aud' | 'iat' | 'exp' | 'jti' | 'cnf'>;

/** What the client signs and connects with; read per call so a reload takes effect at once. */
export interface ClientIdentity {
  readonly signingKey: SigningKey;
  readonly tls: { readonly key: string; readonly cert: string; readonly ca: string };
  /** `x5t#S256` of our own TLS certificate, for the `cnf` claim. */
  readonly certThumbprint: string;
}

export interface PeerClientOptions {
  readonly self: string;
  readonly identity: () => ClientIdentity;
  readonly trust: TrustStore;
  readonly clock: () => number;
  readonly queryLifetimeSeconds?: number;
  /** Send W3C trace context to peers (header and signed `traceparent` claim). */
  readonly propagateTraceContext?: boolean;
  readonly maxResponseBytes?: number;
}

export interface PeerAnswer {
  readonly claims: QueryClaims;
  readonly queryToken: string;
  readonly response: ResponseClaims;
  readonly responseToken: string;
}

/** A peer's coded refusal, with the problem it sent. */
export class PeerRefusedError extends MosaicError {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super('MOSAIC_ERR_PEER_REFUSED', { detail: `${problem.code} (${problem.status})` });
    this.problem = problem;
    // The peer's code in the message too, so a log or a failing test says which refusal it was.
    this.message = `${this.message} (${problem.code})`;
  }
}

const PIN_MISMATCH = Symbol('mosaic.pinMismatch');

/**
 * Signs queries and calls peers over mTLS. Each peer gets its own keep-alive Agent whose
 * `checkServerIdentity` checks the SPKI pin from the trust list: a pooled socket is only ever reused for the
 * peer (and the pin set) it was checked against, so connection reuse cannot skip the pin check
 * (audit-crypto-matching §2.1, "pooled sockets skip a new pin check"). The host name is not checked: the pin
 * is the identity, and endpoints are often IP addresses inside agency networks.
 */
export class PeerClient {
  readonly #opts: PeerClientOptions;
  readonly #agents = new Map<string, { key: string; agent: Agent }>();

  constructor(opts: PeerClientOptions) {
    this.#opts = opts;
  }

  /** Build and sign a query for `target` (exposed for tests and tools that need the token itself). */
  signQuery(target: string, input: QueryInput): { claims: QueryClaims; token: string } {
    return this.signRequest(target, input, 'mosaic-query+jws');
  }

  /**
   * Wrap a request body in the signed envelope every peer request carries (`iss`, `aud`, `iat`, `exp`, a fresh
   * `jti`, the `cnf` certificate binding and, when enabled, `traceparent`) and sign it as `typ`.
   */
  signRequest<T extends object>(
    target: string,
    body: T,
    typ: JwsType,
  ): { claims: T & EnvelopeClaims; token: string } {
    const identity = this.#opts.identity();
    const iat = Math.floor(this.#opts.clock() / 1000);
    const claims = {
      ...body,
      iss: this.#opts.self,
      aud: target,
      iat,
      exp: iat + (this.#opts.queryLifetimeSeconds ?? 60),
      jti: randomId(),
      cnf: { 'x5t#S256': identity.certThumbprint },
      ...traceparentClaim(this.#opts.propagateTraceContext ?? true),
    };
    return { claims, token: signCompact(claims, identity.signingKey, typ) };
  }

  /** POST a signed token to a member-only endpoint; the caller verifies what comes back. */
  async postSigned(
    target: string,
    path: string,
    token: string,
    signal?: AbortSignal,
    contentType = 'application/jose',
  ): Promise<{ status: number; contentType: string; body: string }> {
    return inSpan(
      `peer call ${target}`,
      { kind: SpanKind.CLIENT, attributes: { 'mosaic.peer': target } },
      () => this.#post(this.#member(target), path, token, signal, contentType),
    );
  }

  /**
   * Verify a token signed by `target` for us: its signature with the member's keys, `iss` and `aud`. Returns
   * the payload for the caller's schema check; failures are MOSAIC_ERR_PEER_BAD_RESPONSE.
   */
  verifyFromPeer(target: string, token: string, typ: JwsType): Record<string, unknown> {
    const member = this.#member(target);
    try {
      const jws = decodeCompact(token, typ);
      const key = member.keys.get(jws.header.kid);
      if (!key) throw new Error('kid is not one of the peer keys');
      verifySignature(jws, key);
      if (jws.payload['iss'] !== member.agencyId || jws.payload['aud'] !== this.#opts.self) {
        throw new Error('iss or aud');
      }
      return jws.payload;
    } catch (err) {
      throw new MosaicError('MOSAIC_ERR_PEER_BAD_RESPONSE', { detail: String(err), cause: err });
    }
  }

  /** Send a query to a member and verify the answer. Every failure is a coded MosaicError. */
  async query(target: string, input: QueryInput, signal?: AbortSignal): Promise<PeerAnswer> {
    return this.send(target, this.signQuery(target, input), signal);
  }

  /** Send a query signed with `signQuery` (so the caller can record it before it leaves) and verify the answer. */
  async send(
    target: string,
    signed: { claims: QueryClaims; token: string },
    signal?: AbortSignal,
  ): Promise<PeerAnswer> {
    const member = this.#member(target);
    const { claims, token } = signed;
    const { status, contentType, body } = await inSpan(
      `peer call ${target}`,
      { kind: SpanKind.CLIENT, attributes: { 'mosaic.peer': target } },
      () => this.#post(member, '/fed/v1/queries', token, signal),
    );
    if (status !== 200) throw refusal(body);
    if (contentType !== 'application/jose') {
      throw new MosaicError('MOSAIC_ERR_PEER_BAD_RESPONSE', { detail: `content-type ${contentType}` });
    }
    const response = this.#verifyResponse(member, body, claims, token);
    return { claims, queryToken: token, response, responseToken: body };
  }

  /** Send an already-signed token as is. For tests of the responder's checks and for replay drills. */
  async sendRaw(
    target: string,
    body: string,
    options: { contentType?: string; signal?: AbortSignal } = {},
  ): Promise<{ status: number; contentType: string; body: string }> {
    return this.#post(this.#member(target), '/fed/v1/queries', body, options.signal, options.contentType);
  }

  /**
   * `GET` a member-only endpoint of a peer (e.g. `/fed/v1/status`). Also reports the peer certificate's
   * expiry as seen on the connection, for `mosaic peers check`.
   */
  async get(
    target: string,
    path: string,
    signal?: AbortSignal,
  ): Promise<{ status: number; contentType: string; body: string; certNotAfter: number | undefined }> {
    const member = this.#member(target);
    const url = new URL(path, member.endpoint);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { method: 'GET', agent: this.#agent(member), ...(signal ? { signal } : {}) },
        (res) => {
          const cert = (res.socket as TLSSocket).getPeerCertificate?.();
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: (res.headers['content-type'] ?? '').split(';')[0]!.trim(),
              body: Buffer.concat(chunks).toString('utf8'),
              certNotAfter: cert?.valid_to ? Date.parse(cert.valid_to) : undefined,
            }),
          );
          res.on('error', (err) => reject(mapTransportError(err, signal)));
        },
      );
      req.on('error', (err) => reject(mapTransportError(err, signal)));
      req.end();
    });
  }

  #member(target: string): Member {
    const member = this.#opts.trust.member(target, this.#opts.clock());
    if (!member) throw new MosaicError('MOSAIC_ERR_TRUST_UNKNOWN_AGENCY', { detail: target });
    return member;
  }

  #verifyResponse(member: Member, token: string, claims: QueryClaims, queryToken: string): ResponseClaims {
    try {
      const jws = decodeCompact(token, 'mosaic-response+jws');
      const key = member.keys.get(jws.header.kid);
      if (!key) throw new Error('response kid is not one of the peer keys');
      verifySignature(jws, key);
      const r = jws.payload;
      if (!validateResponseClaims(r)) throw new Error('response schema');
      if (r.iss !== member.agencyId) throw new Error('response iss');
      if (r.aud !== this.#opts.self) throw new Error('response aud');
      if (r.queryJti !== claims.jti || r.queryDigest !== sha256Digest(queryToken)) {
        throw new Error('response answers another query');
      }
      return r;
    } catch (err) {
      throw new MosaicError('MOSAIC_ERR_PEER_BAD_RESPONSE', { detail: String(err), cause: err });
    }
  }

  #agent(member: Member): Agent {
    const identity = this.#opts.identity();
    // A new pin set or a new own certificate means a new agent: no pooled socket outlives either.
    const key = `${[...member.pins].sort().join(',')}|${identity.certThumbprint}`;
    const cached = this.#agents.get(member.agencyId);
    if (cached && cached.key === key) return cached.agent;
    cached?.agent.destroy();
    const pins = new Set(member.pins);
    const agent = new Agent({
      keepAlive: true,
      maxSockets: 32,
      key: identity.tls.key,
      cert: identity.tls.cert,
      ca: identity.tls.ca,
      minVersion: 'TLSv1.3',
      checkServerIdentity: (_host: string, cert: PeerCertificate) => {
        const pin = cert.pubkey ? createHash('sha256').update(cert.pubkey).digest('base64url') : '';
        if (pins.has(pin)) return undefined;
        const err = new Error(`TLS pin mismatch for ${member.agencyId}`);
        (err as Error & { [PIN_MISMATCH]?: true })[PIN_MISMATCH] = true;
        return err;
      },
    });
    this.#agents.set(member.agencyId, { key, agent });
    return agent;
  }

  #post(
    member: Member,
    path: string,
    body: string,
    signal?: AbortSignal,
    contentType = 'application/jose',
  ): Promise<{ status: number; contentType: string; body: string }> {
    const url = new URL(path, member.endpoint);
    const limit = this.#opts.maxResponseBytes ?? 8 * 1024 * 1024;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.#agent(member),
          headers: {
            'content-type': contentType,
            'content-length': Buffer.byteLength(body),
            ...injectHeaders(this.#opts.propagateTraceContext ?? true),
          },
          ...(signal ? { signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > limit) {
              res.destroy(new MosaicError('MOSAIC_ERR_PEER_BAD_RESPONSE', { detail: 'response too large' }));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: (res.headers['content-type'] ?? '').split(';')[0]!.trim(),
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', (err) => reject(mapTransportError(err, signal)));
        },
      );
      req.on('error', (err) => reject(mapTransportError(err, signal)));
      req.end(body);
    });
  }

  close(): void {
    for (const { agent } of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }
}

/** The active trace context as the `traceparent` claim (W3C Trace Context §3.2), when there is one. */
function traceparentClaim(enabled: boolean): { traceparent?: string } {
  const tp = injectHeaders(enabled)['traceparent'];
  return tp && /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(tp) ? { traceparent: tp } : {};
}

function refusal(body: string): MosaicError {
  try {
    const problem: unknown = JSON.parse(body);
    if (validateProblem(problem)) return new PeerRefusedError(problem);
  } catch {
    // fall through: a non-problem error body is itself a bad response
  }
  return new MosaicError('MOSAIC_ERR_PEER_BAD_RESPONSE', { detail: 'error without a problem document' });
}

function mapTransportError(err: unknown, signal: AbortSignal | undefined): MosaicError {
  if (isMosaicError(err)) return err;
  if ((err as { [PIN_MISMATCH]?: true })[PIN_MISMATCH]) {
    return new MosaicError('MOSAIC_ERR_PEER_PIN_MISMATCH', { cause: err });
  }
  if (signal?.aborted || (err as { name?: string }).name === 'AbortError') {
    return new MosaicError('MOSAIC_ERR_PEER_TIMEOUT', { cause: err });
  }
  return new MosaicError('MOSAIC_ERR_PEER_UNREACHABLE', { detail: String(err), cause: err });
}
