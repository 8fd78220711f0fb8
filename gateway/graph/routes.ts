import { MosaicError } from '../../contracts/index.js';
import { defineRoute, type RouteDef } from '../api/routes.js';
import {
  type AnalysisOptions,
  GENERIC_TREATMENTS,
  type GenericTreatment,
  SAME_AS_TRAVERSALS,
  type SameAsTraversal,
} from './analyse.js';
import { edgeDecisionSchema, NODE_ID_PATTERN, pivotSchema } from './schemas.js';
import type { GraphService } from './service.js';

type Query = Record<string, unknown>;

/** One optional query parameter from an allow-list; repeated or unknown values are a coded 400. */
function choice<T extends string>(query: Query, name: string, allowed: readonly T[]): T | undefined {
  const v = Object.hasOwn(query, name) ? query[name] : undefined;
  if (v === undefined) return undefined;
  const found = allowed.find((a) => a === v);
  if (found === undefined) {
    throw new MosaicError('MOSAIC_ERR_API_VALIDATION', {
      issues: [{ path: `/${name}`, message: `must be one of ${allowed.join(', ')}` }],
    });
  }
  return found;
}

function analysisOptions(query: Query): Partial<Pick<AnalysisOptions, 'sameAs' | 'generic'>> {
  const sameAs = choice<SameAsTraversal>(query, 'sameAs', SAME_AS_TRAVERSALS);
  const generic = choice<GenericTreatment>(query, 'generic', GENERIC_TREATMENTS);
  return { ...(sameAs === undefined ? {} : { sameAs }), ...(generic === undefined ? {} : { generic }) };
}

const NODE_ID = new RegExp(NODE_ID_PATTERN);

function entityParam(query: Query, name: 'from' | 'to'): string {
  const v = Object.hasOwn(query, name) ? query[name] : undefined;
  if (typeof v !== 'string' || !NODE_ID.test(v)) {
    throw new MosaicError('MOSAIC_ERR_API_VALIDATION', {
      issues: [{ path: `/${name}`, message: 'must be an entity id of the graph' }],
    });
  }
  return v;
}

const ANALYSIS_QUERY = {
  sameAs: {
    enum: SAME_AS_TRAVERSALS,
    description: 'Possibly-same edges the analysis crosses: confirmed (default), all not rejected, none.',
  },
  generic: {
    enum: GENERIC_TREATMENTS,
    description: 'Whether generic identifiers (shelters, hotlines) connect anything; exclude by default.',
  },
} as const;

/** `/api/v1/cases/:ref/…`: the network view of a case, paths on it, possibly-same decisions and pivots. */
export function graphRoutes(graphs: GraphService): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      path: '/cases/:ref/graph',
      roles: ['analyst', 'auditor'],
      operationId: 'getCaseGraph',
      summary:
        "A case's network: hit and identifier nodes with provenance, links, possibly-same edges with evidence and decisions, and the analysis (components, degree, betweenness, hub and generic flags).",
      query: ANALYSIS_QUERY,
      success: { status: 200, description: 'The graph, built from the stored searches at request time.' },
      handler: function getCaseGraph(req, res) {
        const query = req.query as Query;
        res.json(graphs.graph(String(req.params['ref']), req.user!, analysisOptions(query)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases/:ref/graph/path',
      roles: ['analyst', 'auditor'],
      operationId: 'getCaseGraphPath',
      summary: 'A shortest path between two entities of the case graph (breadth-first, fewest links).',
      query: {
        from: { type: 'string', pattern: NODE_ID_PATTERN },
        to: { type: 'string', pattern: NODE_ID_PATTERN },
        ...ANALYSIS_QUERY,
      },
      success: { status: 200, description: 'The path (`found: false` when the entities are not connected).' },
      handler: function getCaseGraphPath(req, res) {
        const query = req.query as Query;
        const from = entityParam(query, 'from');
        const to = entityParam(query, 'to');
        res.json(graphs.path(String(req.params['ref']), req.user!, from, to, analysisOptions(query)));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:ref/edges/:id/decision',
      roles: ['analyst'],
      operationId: 'decideSameAsEdge',
      summary:
        'Confirm or reject a possibly-same edge; the decision is kept with the case and shown in the graph.',
      body: edgeDecisionSchema,
      success: { status: 200, description: 'The edge with its decision.' },
      handler: function decideSameAsEdge(req, res) {
        res.json(
          graphs.decide(String(req.params['ref']), String(req.params['id']), req.body ?? {}, req.user!),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:ref/pivot',
      roles: ['analyst'],
      operationId: 'pivotOnEntity',
      summary:
        "Start a federated search on an entity's selectors (a phone's number, a person's name and birth date).",
      body: pivotSchema,
      success: { status: 202, description: 'The new search, with every target peer `pending`.' },
      handler: function pivotOnEntity(req, res) {
        const state = graphs.pivot(String(req.params['ref']), req.body ?? {}, req.user!);
        res.status(202).location(`/api/v1/searches/${state.id}`).json(state);
      },
    }),
  ];
}
