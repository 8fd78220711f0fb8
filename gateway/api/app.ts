import express, {
  type ErrorRequestHandler,
  type Express,
  type NextFunction,
  type Request,
  type Response,
} from 'express';
import { isMosaicError, MosaicError, toProblem } from '../../contracts/index.js';
import { context, trace } from '@opentelemetry/api';
import type { Logger } from '../log.js';
import { SpanKind, tracer } from '../tracing.js';
import type { OidcVerifier } from '../users/oidc.js';
import type { UserStore } from '../users/store.js';
import { authenticate, requireRole } from './auth.js';
import { mountConsole } from './console.js';
import { openApiDocument } from './openapi.js';
import type { RouteDef } from './routes.js';

export interface ApiDeps {
  readonly users: UserStore;
  readonly oidc?: OidcVerifier;
  readonly logger: Logger;
  readonly readiness: () => { ready: boolean; reasons: string[] };
  /** Prometheus text exposition; served at /metrics on this listener (never on the peer listener). */
  readonly metrics: () => string;
  /** Every `/api/v1` route; each module of the gateway contributes its own. */
  readonly routes: readonly RouteDef[];
  readonly version: string;
}

/**
 * The analyst, disclosure-officer and auditor API. Every route names the roles it admits; there is no route
 * that only the console uses (the console is a client of this API like any other).
 */
export function createApiApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use(function traceRequest(req, res, next) {
    const span = tracer.startSpan(`${req.method} ${req.path.replace(/\/[0-9a-f-]{36}(?=\/|$)/g, '/:id')}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': req.method },
    });
    res.on('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      span.end();
    });
    context.with(trace.setSpan(context.active(), span), next);
  });
  app.get('/healthz', function healthz(_req, res) {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', function readyz(_req, res) {
    const r = deps.readiness();
    res.status(r.ready ? 200 : 503).json({ status: r.ready ? 'ready' : 'not-ready', reasons: r.reasons });
  });
  app.get('/metrics', function metrics(_req, res) {
    res.type('text/plain; version=0.0.4').send(deps.metrics());
  });
  const document = openApiDocument(deps.routes, deps.version);
  app.get('/api/v1/openapi.json', function openApi(_req, res) {
    res.json(document);
  });

  const api = express.Router();
  api.use(authenticate(deps.users, deps.oidc));
  api.use(express.json({ limit: '64kb', strict: true, type: 'application/json' }));
  for (const route of deps.routes) {
    // Named so stack traces and spans show the operation, not an anonymous arrow.
    const handler = {
      [route.operationId]: (req: Request, res: Response, next: NextFunction) => {
        Promise.resolve(route.handler(req, res)).catch(next);
      },
    }[route.operationId]!;
    api[route.method](route.path, requireRole(...route.roles), handler);
  }
  app.use('/api/v1', api);
  mountConsole(app);

  app.use(function notFound(_req, _res, next) {
    next(new MosaicError('MOSAIC_ERR_REQUEST_NOT_FOUND'));
  });
  app.use(problemHandler(deps.logger));
  return app;
}

/** The one place API errors become problem documents (CONVENTIONS §5). */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return function sendProblemDocument(err: unknown, req, res, _next) {
    let error = err;
    // body-parser's errors carry an HTTP status and `expose`: every one of them is the client's doing
    // (size, charset, encoding, JSON), so each becomes a coded 4xx, never a 500.
    const bodyError = err as { status?: unknown; expose?: unknown } | null;
    if (
      !isMosaicError(err) &&
      typeof bodyError?.status === 'number' &&
      bodyError.status < 500 &&
      bodyError.expose
    ) {
      error = new MosaicError(
        bodyError.status === 413
          ? 'MOSAIC_ERR_REQUEST_TOO_LARGE'
          : bodyError.status === 415
            ? 'MOSAIC_ERR_REQUEST_MEDIA_TYPE'
            : 'MOSAIC_ERR_REQUEST_MALFORMED',
        { cause: err },
      );
    }
    const problem = toProblem(error);
    if (problem.status >= 500) {
      logger.error('api request failed', { path: req.path, code: problem.code, error: String(err) });
    } else if (isMosaicError(error)) {
      logger.info('api request refused', { path: req.path, code: problem.code, detail: error.detail });
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    // A limit's refusal carries the seconds to wait as its detail (RFC 9110 §10.2.3).
    if (problem.status === 429 && isMosaicError(error) && /^[1-9][0-9]{0,8}$/.test(error.detail ?? ''))
      res.setHeader('retry-after', error.detail!);
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  };
}
