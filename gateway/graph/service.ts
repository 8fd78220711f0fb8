import type Database from 'better-sqlite3';
import { compileSchema, MosaicError, type SearchRequest } from '../../contracts/index.js';
import type { CaseStore } from '../search/cases.js';
import type { SearchService, SearchState } from '../search/service.js';
import type { User } from '../users/store.js';
import {
  type AnalysisOptions,
  analyseCaseGraph,
  casePath,
  DEFAULT_ANALYSIS,
  type GraphAnalysis,
} from './analyse.js';
import { buildCaseGraph, DEFAULT_RULES, type GraphRules } from './build.js';
import type { CaseGraph, DisclosedRecord, EdgeDecision, GraphEdge, GraphNode, SameAsEdge } from './model.js';
import { pivotSubject } from './pivot.js';
import { type EdgeDecisionRequest, edgeDecisionSchema, type PivotRequest, pivotSchema } from './schemas.js';

const validateDecision = compileSchema<EdgeDecisionRequest>(edgeDecisionSchema);
const validatePivot = compileSchema<PivotRequest>(pivotSchema);

export interface GraphServiceOptions {
  readonly db: Database.Database;
  readonly searches: SearchService;
  readonly cases: CaseStore;
  readonly clock: () => number;
  /** Hub and generic thresholds; defaults in DEFAULT_RULES. */
  readonly rules?: Partial<GraphRules>;
  /** Records the owners released for this case through step 2 (DisclosureRequests.deliveredRecords). */
  readonly disclosed?: (caseRef: string) => readonly DisclosedRecord[];
}

export interface GraphView extends CaseGraph {
  readonly analysis: GraphAnalysis;
}

export interface PathView {
  readonly caseRef: string;
  readonly from: string;
  readonly to: string;
  readonly options: GraphAnalysis['options'];
  readonly found: boolean;
  /** Number of edges; absent when no path exists. */
  readonly length?: number;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

interface DecisionRow {
  edge_id: string;
  decision: 'confirmed' | 'rejected';
  note: string | null;
  decided_by: string;
  decided_at: string;
}

function checkRules(rules: Partial<GraphRules> | undefined): GraphRules {
  const r = { ...DEFAULT_RULES, ...rules };
  if (!Number.isInteger(r.genericThreshold) || r.genericThreshold < 1)
    throw new TypeError('graph rules: genericThreshold must be a positive integer');
  if (!Number.isInteger(r.hubMinPersons) || r.hubMinPersons < 2 || r.hubMinPersons > r.genericThreshold)
    throw new TypeError('graph rules: hubMinPersons must be an integer in [2, genericThreshold]');
  return Object.freeze(r);
}

/**
 * The network view of a case (issue 6, item 3): built on every request from the case's stored searches and
 * the analyst's possibly-same decisions, so it is never stale; only the decisions are stored here.
 */
export class GraphService {
  readonly #o: GraphServiceOptions;
  readonly #rules: GraphRules;
  readonly #searchIds: Database.Statement<[string]>;
  readonly #caseExists: Database.Statement<[string]>;
  readonly #decisions: Database.Statement<[string]>;
  readonly #upsert: Database.Statement<[string, string, string, string | null, string, string]>;

  constructor(o: GraphServiceOptions) {
    this.#o = o;
    this.#rules = checkRules(o.rules);
    o.db.exec(`CREATE TABLE IF NOT EXISTS graph_decisions (
      case_ref TEXT NOT NULL, edge_id TEXT NOT NULL, decision TEXT NOT NULL, note TEXT,
      decided_by TEXT NOT NULL, decided_at TEXT NOT NULL, PRIMARY KEY (case_ref, edge_id)) WITHOUT ROWID`);
    this.#searchIds = o.db.prepare('SELECT id FROM searches WHERE case_ref = ? ORDER BY created_at, id');
    this.#caseExists = o.db.prepare('SELECT 1 FROM cases WHERE case_ref = ?');
    this.#decisions = o.db.prepare(
      'SELECT edge_id, decision, note, decided_by, decided_at FROM graph_decisions WHERE case_ref = ?',
    );
    // The latest verdict wins: a confirmation can be taken back (merges must be reversible).
    this.#upsert = o.db.prepare(
      `INSERT INTO graph_decisions (case_ref, edge_id, decision, note, decided_by, decided_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (case_ref, edge_id) DO UPDATE SET
       decision = excluded.decision, note = excluded.note, decided_by = excluded.decided_by,
       decided_at = excluded.decided_at`,
    );
  }

  get rules(): GraphRules {
    return this.#rules;
  }

  /** A case the user may read, or "not found" (never "forbidden": case references must not leak). */
  #readable(caseRef: string, user: User): void {
    if (this.#caseExists.get(caseRef) === undefined || !this.#o.cases.canRead(caseRef, user))
      throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND', { detail: 'case' });
  }

  #writable(caseRef: string, user: User): void {
    if (!this.#o.cases.canWrite(caseRef, user))
      throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND', { detail: 'case' });
  }

  #load(caseRef: string, user: User): CaseGraph {
    return this.#loadWithSearches(caseRef, user).graph;
  }

  #loadWithSearches(caseRef: string, user: User): { graph: CaseGraph; searches: SearchState[] } {
    const ids = this.#searchIds.all(caseRef) as { id: string }[];
    // Through SearchService.get: a running search shows the peers that have already answered.
    const searches: SearchState[] = ids.map((r) => this.#o.searches.get(r.id, user));
    const decisions = new Map<string, EdgeDecision>();
    for (const d of this.#decisions.all(caseRef) as DecisionRow[]) {
      decisions.set(d.edge_id, {
        decision: d.decision,
        decidedBy: d.decided_by,
        decidedAt: d.decided_at,
        ...(d.note === null ? {} : { note: d.note }),
      });
    }
    const disclosed = this.#o.disclosed?.(caseRef) ?? [];
    return { graph: buildCaseGraph(caseRef, searches, decisions, this.#rules, disclosed), searches };
  }

  #options(partial: Partial<Pick<AnalysisOptions, 'sameAs' | 'generic'>>): AnalysisOptions {
    return { ...DEFAULT_ANALYSIS, ...partial, rules: this.#rules };
  }

  /** The case graph with its analysis. */
  graph(
    caseRef: string,
    user: User,
    options: Partial<Pick<AnalysisOptions, 'sameAs' | 'generic'>> = {},
  ): GraphView {
    this.#readable(caseRef, user);
    const graph = this.#load(caseRef, user);
    return { ...graph, analysis: analyseCaseGraph(graph, this.#options(options)) };
  }

  /** A shortest path between two entities of the case graph; `found: false` when they are not connected. */
  path(
    caseRef: string,
    user: User,
    from: string,
    to: string,
    options: Partial<Pick<AnalysisOptions, 'sameAs' | 'generic'>> = {},
  ): PathView {
    this.#readable(caseRef, user);
    const graph = this.#load(caseRef, user);
    const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
    for (const id of [from, to])
      if (!nodes.has(id)) throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND', { detail: `entity ${id}` });
    const opts = this.#options(options);
    const p = casePath(graph, from, to, opts);
    const edges = new Map(graph.edges.map((e) => [e.id, e]));
    const base = {
      caseRef,
      from,
      to,
      options: { sameAs: opts.sameAs, generic: opts.generic, ...opts.rules },
    };
    if (p === undefined) return { ...base, found: false, nodes: [], edges: [] };
    return {
      ...base,
      found: true,
      length: p.edges.length,
      nodes: p.nodes.map((id) => nodes.get(id)!),
      edges: p.edges.map((id) => edges.get(id)!),
    };
  }

  /** Confirm or reject a possibly-same edge of the case; the latest decision wins and is returned with the edge. */
  decide(caseRef: string, edgeId: string, body: unknown, user: User): SameAsEdge {
    this.#writable(caseRef, user);
    if (!validateDecision(body))
      throw new MosaicError('MOSAIC_ERR_API_VALIDATION', { issues: validateDecision.issues() });
    const known = this.#load(caseRef, user).edges.some((e) => e.id === edgeId && e.type === 'possibly-same');
    if (!known) throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND', { detail: `possibly-same edge ${edgeId}` });
    this.#upsert.run(
      caseRef,
      edgeId,
      body.decision,
      body.note ?? null,
      user.name,
      new Date(this.#o.clock()).toISOString(),
    );
    const edge = this.#load(caseRef, user).edges.find(
      (e): e is SameAsEdge => e.id === edgeId && e.type === 'possibly-same',
    );
    if (edge === undefined) throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND', { detail: `edge ${edgeId}` });
    return edge;
  }

  /**
   * Start a federated search on an entity's selectors (through SearchService.start, so every check of a
   * search applies). Purpose, granularity and deadline default to those of the latest search that produced it.
   */
  pivot(caseRef: string, body: unknown, user: User): SearchState {
    this.#writable(caseRef, user);
    if (!validatePivot(body))
      throw new MosaicError('MOSAIC_ERR_API_VALIDATION', { issues: validatePivot.issues() });
    const { graph, searches } = this.#loadWithSearches(caseRef, user);
    const entity = graph.nodes.find((n) => n.id === body.entity);
    if (entity === undefined)
      throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND', { detail: `entity ${body.entity}` });
    const subject = pivotSubject(entity);
    if (subject === undefined) {
      throw new MosaicError('MOSAIC_ERR_API_VALIDATION', {
        issues: [{ path: '/entity', message: 'released nothing that can be searched for' }],
      });
    }
    const origin = this.#origin(graph, searches, entity.id);
    const purpose = body.purpose ?? origin?.purpose;
    // Untyped on purpose: SearchService.start validates the whole request against the search schema.
    const request: Record<string, unknown> = {
      subject,
      ...(purpose === undefined ? {} : { purpose }),
      legalBasis: body.legalBasis,
      caseRef,
      granularity: body.granularity ?? origin?.granularity ?? 'summary',
      ...(body.targets === undefined ? {} : { targets: body.targets }),
      ...(body.deadlineMs === undefined ? {} : { deadlineMs: body.deadlineMs }),
    };
    return this.#o.searches.start(request, user);
  }

  /** The request of the latest search whose hits produced (or link to) the entity. */
  #origin(graph: CaseGraph, searches: readonly SearchState[], id: string): SearchRequest | undefined {
    const hitIds = new Set<string>([id]);
    for (const e of graph.edges) if (e.type !== 'possibly-same' && e.to === id) hitIds.add(e.from);
    let latest: { at: string; searchId: string } | undefined;
    for (const n of graph.nodes) {
      if (n.type !== 'hit' || !hitIds.has(n.id)) continue;
      if (latest === undefined || n.provenance.searchedAt >= latest.at)
        latest = { at: n.provenance.searchedAt, searchId: n.provenance.searchId };
    }
    if (latest === undefined) return undefined;
    const searchId = latest.searchId;
    return searches.find((s) => s.id === searchId)?.request;
  }
}
