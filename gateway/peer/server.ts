import { randomHex } from '../random.js';
import { type IncomingMessage, STATUS_CODES, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { ERRORS, isMosaicError, MosaicError, toProblem } from '../../contracts/index.js';
import type { Logger } from '../log.js';
import { extractContext, inSpan, SpanKind } from '../tracing.js';
import type { NodeMetrics } from '../metrics/registry.js';
import { mediaType, readBody, sendJose, sendJson, sendProblem } from './http.js';
import { type PeerIdentity, peerIdentityOf } from './identity.js';
import { normaliseSerial } from '../pki/x509.js';
import type { Member, TrustStore } from '../trust/trust-list.js';
import type { AuditPort } from './ports.js';
import type { RateLimiter } from './rate-limit.js';
import { authenticateMember, type Exchange, runPipeline, type Step } from './query-pipeline.js';

/** An authenticated request to one of the other `/fed/v1/` endpoints (status, audit proofs, witness, …). */
export interface PeerRequest {
  readonly peer: Member;
  /** The TLS identity, for handlers that run the signed-envelope checks themselves. */
  readonly identity: PeerIdentity;
  readonly now: number;
  readonly params: readonly string[];
  readonly body: string;
  readonly traceId: string;
}

export interface PeerReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** A member-only endpoint on the peer listener. The caller is authenticated exactly as for a query. */
export interface PeerRoute {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  /** Required media type of a POST body. */
  readonly bodyType?: string;
  handle(req: PeerRequest): PeerReply | Promise<PeerReply>;
}

export interface PeerServerOptions {
  readonly tls: { readonly key: string; readonly cert: string; readonly ca: string; readonly crl?: string };
  readonly steps: readonly Step[];
  readonly routes: readonly PeerRoute[];
  readonly trust: TrustStore;
  readonly rateLimiter?: RateLimiter;
  readonly audit: AuditPort;
  readonly maxBodyBytes: number;
  readonly requestTimeoutMs: number;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly metrics: NodeMetrics;
  readonly readiness: () => { ready: boolean; reasons: string[] };
  /** Accept W3C trace context from peers (config `telemetry.propagateTraceContext`). */
  readonly propagateTraceContext: boolean;
  readonly self: string;
}

/**
 * The mTLS listener for `/fed/v1/`. TLS 1.3 only, client certificates requested and verified against the
 * federation CA. `rejectUnauthorized` is off on purpose: a handshake refused by OpenSSL reaches the client as a
 * bare ECONNRESET, whereas here the first pipeline step turns a missing or foreign certificate into a coded
 * problem (and an audit record of the refusal). Nothing but that problem is reachable without a member's
 * certificate. Plain node:https rather than express: the envelope is one route, and express would cost more
 * per request than the whole signature check (perf-limits §4).
 */
/** `Retry-After` on a rate-limit refusal, in seconds (RFC 9110 §10.2.3). */
function retryAfter(res: ServerResponse, err: unknown): void {
  if (isMosaicError(err) && err.code === 'MOSAIC_ERR_REQUEST_RATE_LIMITED' && !res.headersSent) {
    res.setHeader('retry-after', String(Math.max(1, Number(err.detail) || 1)));
  }
}

const openSockets = new WeakMap<Server, Set<TLSSocket>>();

/**
 * Close every open peer connection whose client certificate has one of these serials (normalised hex). The
 * TLS verdict is read once per connection and OpenSSL checks a CRL only at the handshake, so without this a
 * keep-alive connection opened before a revocation would go on being served (threat model P24). A request
 * in flight on such a connection is cut off; the peer sees a reset. Returns how many were closed.
 */
export function closeRevokedConnections(server: Server, revoked: ReadonlySet<string>): number {
  let closed = 0;
  for (const socket of openSockets.get(server) ?? []) {
    const serial = socket.getPeerX509Certificate()?.serialNumber;
    if (serial !== undefined && revoked.has(normaliseSerial(serial))) {
      socket.destroy();
      closed += 1;
    }
  }
  return closed;
}

export function createPeerServer(opts: PeerServerOptions): Server {
  const server = createServer(
    {
      key: opts.tls.key,
      cert: opts.tls.cert,
      ca: opts.tls.ca,
      ...(opts.tls.crl === undefined ? {} : { crl: opts.tls.crl }),
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
      // Slow clients must not hold connections: bounded handshake, header and request time (slowloris). Node
      // checks the header and request timeouts only every connectionsCheckingInterval (30 s by default), so the
      // interval follows the configured timeout.
      handshakeTimeout: Math.min(opts.requestTimeoutMs, 10_000),
      headersTimeout: Math.min(opts.requestTimeoutMs, 10_000),
      requestTimeout: opts.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(opts.requestTimeoutMs / 4))),
      keepAliveTimeout: 30_000,
    },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        opts.logger.error('peer handler failed', { error: String(err) });
        sendProblem(res, err);
      });
    },
  );
  const open = new Set<TLSSocket>();
  openSockets.set(server, open);
  server.on('secureConnection', (socket: TLSSocket) => {
    peerIdentityOf(socket);
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  // With a listener, Node leaves the answer to a malformed or too-slow request to us: a coded problem
  // instead of its plain-text 400/408/431, then the connection is closed.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // https forwards TLS failures (handshake timeout, garbage records) here too: no HTTP to answer with.
    const http = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || (err.code ?? '').startsWith('HPE_');
    if (!http) {
      socket.destroy();
      return;
    }
    const code =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'MOSAIC_ERR_REQUEST_TIMEOUT'
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? 'MOSAIC_ERR_REQUEST_HEADERS_TOO_LARGE'
          : 'MOSAIC_ERR_REQUEST_MALFORMED';
    if (
      socket.writable &&
      !(socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent
    ) {
      const problem = JSON.stringify(toProblem(new MosaicError(code)));
      const status = ERRORS[code].status;
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/problem+json\r\n` +
          `Content-Length: ${Buffer.byteLength(problem)}\r\nConnection: close\r\n\r\n${problem}`,
      );
    } else {
      socket.destroy();
    }
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/fed/v1/queries') {
      if (req.method !== 'POST') return void sendProblem(res, new MosaicError('MOSAIC_ERR_REQUEST_METHOD'));
      return handleQuery(req, res);
    }
    for (const route of opts.routes) {
      const m = route.pattern.exec(path ?? '');
      if (!m) continue;
      if (req.method !== route.method)
        return void sendProblem(res, new MosaicError('MOSAIC_ERR_REQUEST_METHOD'));
      return handleRoute(route, m.slice(1), req, res);
    }
    if (path === '/healthz' && req.method === 'GET') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz' && req.method === 'GET') {
      const r = opts.readiness();
      return sendJson(res, r.ready ? 200 : 503, {
        status: r.ready ? 'ready' : 'not-ready',
        reasons: r.reasons,
      });
    }
    sendProblem(res, new MosaicError('MOSAIC_ERR_REQUEST_NOT_FOUND'));
  }

  function handleQuery(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return inSpan(
      'POST /fed/v1/queries',
      {
        kind: SpanKind.SERVER,
        parent: extractContext(req.headers, opts.propagateTraceContext),
        attributes: { 'mosaic.agency': opts.self },
      },
      (span) => answerQuery(req, res, span.spanContext().traceId),
    );
  }

  async function answerQuery(req: IncomingMessage, res: ServerResponse, spanTraceId: string): Promise<void> {
    const now = opts.clock();
    // The trace id ties the problem document, the log line and the trace together; random when untraced.
    const traceId = /^0+$/.test(spanTraceId) ? randomHex() : spanTraceId;
    const identity = peerIdentityOf(req.socket as TLSSocket);
    let ex: Exchange | undefined;
    try {
      if (mediaType(req) !== 'application/jose') throw new MosaicError('MOSAIC_ERR_REQUEST_MEDIA_TYPE');
      const token = (await readBody(req, opts.maxBodyBytes)).trim();
      ex = { now, identity, token };
      await runPipeline(opts.steps, ex, observeStep);
      sendJose(res, 200, ex.response!);
      opts.metrics.queriesIn.inc({ peer: ex.peer!.agencyId, decision: ex.decision!.overall.effect });
    } catch (err) {
      retryAfter(res, err);
      const problem = sendProblem(res, err, traceId);
      const code = isMosaicError(err) ? err.code : 'MOSAIC_ERR_INTERNAL';
      const fields = {
        traceId,
        code,
        peer: ex?.peer?.agencyId,
        detail: isMosaicError(err) ? err.detail : String(err),
      };
      opts.metrics.refusalsIn.inc({ code });
      if (problem.status >= 500) opts.logger.error('query failed', fields);
      else opts.logger.info('query refused', fields);
      // A flood must not write the ledger: rate-limit refusals are counted and logged, not recorded.
      if (code === 'MOSAIC_ERR_REQUEST_RATE_LIMITED') return;
      const jti = ex?.jws?.payload['jti'];
      await opts.audit
        .recordRejection({
          code,
          now,
          peerAgency: ex?.peer?.agencyId,
          jti: typeof jti === 'string' ? jti : undefined,
        })
        .catch((e: unknown) => opts.logger.error('audit of refusal failed', { traceId, error: String(e) }));
    }
  }

  async function handleRoute(route: PeerRoute, params: string[], req: IncomingMessage, res: ServerResponse) {
    const now = opts.clock();
    const traceId = randomHex();
    try {
      const identity = peerIdentityOf(req.socket as TLSSocket);
      const peer = authenticateMember(identity, opts.trust, now);
      if (opts.rateLimiter && !opts.rateLimiter.take(peer.agencyId)) {
        throw new MosaicError('MOSAIC_ERR_REQUEST_RATE_LIMITED', {
          detail: String(opts.rateLimiter.retryAfter(peer.agencyId)),
        });
      }
      let body = '';
      if (route.method === 'POST') {
        if (route.bodyType && mediaType(req) !== route.bodyType)
          throw new MosaicError('MOSAIC_ERR_REQUEST_MEDIA_TYPE');
        body = await readBody(req, opts.maxBodyBytes);
      }
      const reply = await route.handle({ peer, identity, now, params, body, traceId });
      res.writeHead(reply.status, {
        'content-type': reply.contentType,
        'content-length': Buffer.byteLength(reply.body),
        'cache-control': 'no-store',
      });
      res.end(reply.body);
    } catch (err) {
      retryAfter(res, err);
      const problem = sendProblem(res, err, traceId);
      const fields = {
        traceId,
        route: route.name,
        code: problem.code,
        detail: isMosaicError(err) ? err.detail : String(err),
      };
      if (problem.status >= 500) opts.logger.error('peer request failed', fields);
      else opts.logger.info('peer request refused', fields);
    }
  }

  function observeStep(step: string, seconds: number): void {
    opts.metrics.stepSeconds.observe({ step }, seconds);
  }

  return server;
}
