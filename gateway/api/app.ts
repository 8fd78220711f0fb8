import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import { isMosaicError, MosaicError, toProblem } from '../../contracts/index.js';
import type { Logger } from '../log.js';
import type { SearchService } from '../search/service.js';
import type { UserStore } from '../users/store.js';
import { authenticate, requireRole } from './auth.js';

export interface ApiDeps {
  readonly users: UserStore;
  readonly searches: SearchService;
  readonly logger: Logger;
  readonly readiness: () => { ready: boolean; reasons: string[] };
  /** Extra routers mounted after authentication (audit, policies, disclosures, …). */
  readonly routers?: readonly ((app: Express) => void)[];
}

/**
 * The analyst, disclosure-officer and auditor API. Every route names the roles it admits; there is no route
 * that only the console uses (the console is a client of this API like any other).
 */
export function createApiApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.get('/healthz', function healthz(_req, res) {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', function readyz(_req, res) {
    const r = deps.readiness();
    res.status(r.ready ? 200 : 503).json({ status: r.ready ? 'ready' : 'not-ready', reasons: r.reasons });
  });

  const api = express.Router();
  api.use(authenticate(deps.users));
  api.use(express.json({ limit: '64kb', strict: true, type: 'application/json' }));

  api.get('/me', function whoAmI(req, res) {
    const { name, role, pseudonym } = req.user!;
    res.json({ name, role, pseudonym });
  });

  api.post('/searches', requireRole('analyst'), function startSearch(req: Request, res: Response) {
    const state = deps.searches.start(req.body ?? {}, req.user!);
    res.status(202).location(`/api/v1/searches/${state.id}`).json(state);
  });

  api.get('/searches/:id', requireRole('analyst', 'auditor'), function getSearch(req, res) {
    res.json(deps.searches.get(String(req.params['id']), req.user!));
  });

  api.get('/searches/:id/events', requireRole('analyst', 'auditor'), function streamSearch(req, res) {
    const id = String(req.params['id']);
    const state = deps.searches.get(id, req.user!);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    // Peers that already answered first, then live ones: a late subscriber misses nothing.
    for (const p of state.peers) if (p.status !== 'pending') send('peer', p);
    const unsubscribe = deps.searches.subscribe(
      id,
      (p) => send('peer', p),
      (final) => {
        send('done', { id: final.id, status: final.status, partial: final.partial });
        res.end();
      },
    );
    req.on('close', unsubscribe);
  });

  for (const mount of deps.routers ?? []) mount(app);
  app.use('/api/v1', api);

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
    const type = (err as { type?: string } | null)?.type;
    if (type === 'entity.too.large') error = new MosaicError('MOSAIC_ERR_REQUEST_TOO_LARGE');
    else if (type === 'entity.parse.failed' || type === 'encoding.unsupported') {
      error = new MosaicError('MOSAIC_ERR_REQUEST_MALFORMED');
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
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  };
}
