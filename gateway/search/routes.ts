import { searchRequestSchema } from '../../contracts/index.js';
import { defineRoute, type RouteDef } from '../api/routes.js';
import type { SearchService } from './service.js';

/** `/api/v1/searches`: start a federated search, read its state, follow it live. */
export function searchRoutes(searches: SearchService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/me',
      roles: ['analyst', 'disclosure-officer', 'auditor', 'admin'],
      operationId: 'whoAmI',
      summary: 'The signed-in user: name, role and the pseudonym peers see.',
      success: { status: 200, description: 'The user.' },
      handler: (req, res) => {
        const { name, role, pseudonym } = req.user!;
        res.json({ name, role, pseudonym });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/searches',
      roles: ['analyst'],
      operationId: 'startSearch',
      summary:
        'Start a federated search: one signed query per target peer, answers arrive asynchronously. Each analyst ' +
        'may start api.searchLimits.perMinute searches in any 60 s and perDay per UTC day; beyond, 429 ' +
        'MOSAIC_ERR_SEARCH_RATE_LIMITED or MOSAIC_ERR_SEARCH_DAILY_LIMIT with Retry-After, and nothing is sent.',
      body: searchRequestSchema,
      success: { status: 202, description: 'The search, with every target peer `pending`.' },
      handler: (req, res) => {
        const state = searches.start(req.body ?? {}, req.user!);
        res.status(202).location(`/api/v1/searches/${state.id}`).json(state);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/searches/:id',
      roles: ['analyst', 'auditor'],
      operationId: 'getSearch',
      summary:
        "A search's state (running, complete, failed, interrupted by a restart of the node): each peer's " +
        'status (pending, hit, no-hit, denied, timeout, unreachable, error, interrupted) and results.',
      success: { status: 200, description: 'The search.' },
      handler: (req, res) => {
        res.json(searches.get(String(req.params['id']), req.user!));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/searches/:id/events',
      roles: ['analyst', 'auditor'],
      operationId: 'streamSearch',
      summary: 'Server-Sent Events: one `peer` event per peer as it answers, then `done`.',
      success: { status: 200, description: 'An event stream.', contentType: 'text/event-stream' },
      handler: (req, res) => {
        const id = String(req.params['id']);
        const state = searches.get(id, req.user!);
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        const send = (event: string, data: unknown) =>
          res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        // Peers that already answered first, then live ones: a late subscriber misses nothing.
        const seen = new Set<string>();
        for (const p of state.peers) {
          if (p.status !== 'pending') {
            seen.add(p.agency);
            send('peer', p);
          }
        }
        const unsubscribe = searches.subscribe(
          id,
          (p) => {
            if (seen.has(p.agency)) return;
            seen.add(p.agency);
            send('peer', p);
          },
          (final) => {
            for (const p of final.peers) if (!seen.has(p.agency) && p.status !== 'pending') send('peer', p);
            send('done', { id: final.id, status: final.status, partial: final.partial });
            res.end();
          },
        );
        req.on('close', unsubscribe);
      },
    }),
  ];
}
