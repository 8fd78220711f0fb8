import {
  type AnalysisGraph,
  betweennessCentrality,
  connectedComponents,
  degreeCentrality,
  normaliseBetweenness,
  type Path,
  shortestPath,
} from './analysis.js';
import { DEFAULT_RULES, distinctRecords, type GraphRules, personGroups } from './build.js';
import type { CaseGraph, GraphEdge, HitNode } from './model.js';

/**
 * Which possibly-same edges a path or a component may cross: `confirmed` (the default: only what an analyst
 * confirmed), `all` (every edge not rejected: exploring candidates), `none`. A rejected edge is never crossed.
 */
export const SAME_AS_TRAVERSALS = ['confirmed', 'all', 'none'] as const;
export type SameAsTraversal = (typeof SAME_AS_TRAVERSALS)[number];

/** Whether generic identifiers (a shelter's phone) connect anything: by default they do not. */
export const GENERIC_TREATMENTS = ['exclude', 'include'] as const;
export type GenericTreatment = (typeof GENERIC_TREATMENTS)[number];

export interface AnalysisOptions {
  readonly sameAs: SameAsTraversal;
  readonly generic: GenericTreatment;
  readonly rules: GraphRules;
}

export const DEFAULT_ANALYSIS: AnalysisOptions = Object.freeze({
  sameAs: 'confirmed',
  generic: 'exclude',
  rules: DEFAULT_RULES,
});

/** Identifier kinds the hub rule looks at (DESIGN: one phone, address or account; email alike). */
const FLAGGED_KINDS: ReadonlySet<string> = new Set(['phone', 'email', 'address', 'account']);

export interface IdentifierFlag {
  readonly node: string;
  readonly kind: string;
  readonly flag: 'hub' | 'generic';
  /** Why: `shared-across-agencies` (hub), `many-records` or `owner-marked-generic` (generic). */
  readonly reason: 'shared-across-agencies' | 'many-records' | 'owner-marked-generic';
  /** Person hits linked to it; distinct records among them; distinct persons (see docs/graph.md). */
  readonly hits: number;
  readonly records: number;
  readonly persons: number;
  readonly agencies: readonly string[];
}

/**
 * Hub and generic flags (docs/graph.md, "Hubs and generic values"). For an identifier of kind phone, email,
 * address or account with linked person hits H:
 * - generic when an owner's evidence marked the value generic, or when H holds more than `genericThreshold`
 *   distinct records (repeats of one record across searches count once);
 * - otherwise hub when H holds at least `hubMinPersons` distinct persons (hits joined by a not-rejected
 *   possibly-same edge, or repeats of one record, are one person) from at least two agencies.
 * A generic value is never a hub.
 */
export function identifierFlags(graph: CaseGraph, rules: GraphRules = DEFAULT_RULES): IdentifierFlag[] {
  const hits = new Map<string, HitNode>();
  for (const n of graph.nodes) if (n.type === 'hit') hits.set(n.id, n);
  const holders = new Map<string, HitNode[]>();
  for (const e of graph.edges) {
    if (e.type === 'possibly-same') continue;
    const h = hits.get(e.from);
    if (h?.kind !== 'person') continue;
    const list = holders.get(e.to);
    if (list === undefined) holders.set(e.to, [h]);
    else if (!list.includes(h)) list.push(h);
  }
  const groups = personGroups(graph);
  const out: IdentifierFlag[] = [];
  for (const n of graph.nodes) {
    if (n.type !== 'identifier' || !FLAGGED_KINDS.has(n.kind)) continue;
    const hs = holders.get(n.id) ?? [];
    const records = distinctRecords(hs);
    const persons = new Set(hs.map((h) => groups.find(h.id))).size;
    const agencies = [...new Set(hs.map((h) => h.provenance.agency))].sort();
    const base = { node: n.id, kind: n.kind, hits: hs.length, records, persons, agencies };
    if (n.genericEvidence) out.push({ ...base, flag: 'generic', reason: 'owner-marked-generic' });
    else if (records > rules.genericThreshold) out.push({ ...base, flag: 'generic', reason: 'many-records' });
    else if (persons >= rules.hubMinPersons && agencies.length >= 2)
      out.push({ ...base, flag: 'hub', reason: 'shared-across-agencies' });
  }
  return out;
}

function traversable(e: GraphEdge, sameAs: SameAsTraversal, generic: ReadonlySet<string>): boolean {
  if (e.type === 'possibly-same') {
    if (e.decision === 'rejected' || sameAs === 'none') return false;
    return sameAs === 'all' || e.decision === 'confirmed';
  }
  return !generic.has(e.to);
}

/** The graph the analysis runs on: every node; the edges the options let through. */
export function analysisGraph(
  graph: CaseGraph,
  flags: readonly IdentifierFlag[],
  options: AnalysisOptions = DEFAULT_ANALYSIS,
): AnalysisGraph {
  const generic = new Set(
    options.generic === 'include' ? [] : flags.filter((f) => f.flag === 'generic').map((f) => f.node),
  );
  return {
    nodes: graph.nodes.map((n) => n.id),
    edges: graph.edges.filter((e) => traversable(e, options.sameAs, generic)),
  };
}

export interface NodeMeasures {
  readonly component: number;
  readonly degree: number;
  readonly betweenness: number;
  readonly betweennessNormalised: number;
  readonly flag?: 'hub' | 'generic';
}

export interface GraphAnalysis {
  readonly options: { sameAs: SameAsTraversal; generic: GenericTreatment } & GraphRules;
  readonly components: readonly { id: number; size: number; nodes: string[]; agencies: string[] }[];
  readonly nodes: Readonly<Record<string, NodeMeasures>>;
  readonly flags: readonly IdentifierFlag[];
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Components, degree, betweenness and hub/generic flags of a case graph, under the given options. */
export function analyseCaseGraph(
  graph: CaseGraph,
  options: AnalysisOptions = DEFAULT_ANALYSIS,
): GraphAnalysis {
  const flags = identifierFlags(graph, options.rules);
  const g = analysisGraph(graph, flags, options);
  const agencyOf = new Map<string, readonly string[]>();
  for (const n of graph.nodes) agencyOf.set(n.id, n.type === 'hit' ? [n.provenance.agency] : n.agencies);
  const components = connectedComponents(g).map((nodes, id) => ({
    id,
    size: nodes.length,
    nodes,
    agencies: [...new Set(nodes.flatMap((n) => agencyOf.get(n) ?? []))].sort(),
  }));
  const componentOf = new Map<string, number>();
  for (const c of components) for (const n of c.nodes) componentOf.set(n, c.id);
  const degree = degreeCentrality(g);
  const between = betweennessCentrality(g);
  const normalised = normaliseBetweenness(between);
  const flagOf = new Map(flags.map((f) => [f.node, f.flag]));
  const nodes: Record<string, NodeMeasures> = Object.create(null) as Record<string, NodeMeasures>;
  for (const id of g.nodes) {
    const flag = flagOf.get(id);
    nodes[id] = {
      component: componentOf.get(id)!,
      degree: degree.get(id) ?? 0,
      betweenness: round(between.get(id) ?? 0),
      betweennessNormalised: round(normalised.get(id) ?? 0),
      ...(flag === undefined ? {} : { flag }),
    };
  }
  return {
    options: { sameAs: options.sameAs, generic: options.generic, ...options.rules },
    components,
    nodes,
    flags,
  };
}

/** A shortest path between two entities of the case graph under the options, or undefined if none. */
export function casePath(
  graph: CaseGraph,
  from: string,
  to: string,
  options: AnalysisOptions = DEFAULT_ANALYSIS,
): Path | undefined {
  const flags = identifierFlags(graph, options.rules);
  return shortestPath(analysisGraph(graph, flags, options), from, to);
}
