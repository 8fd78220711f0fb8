/** gateway/graph/: the network view of a case (issue 6, item 3): model, construction, analysis, API. */
export {
  adjacency,
  type AnalysisEdge,
  type AnalysisGraph,
  betweennessCentrality,
  connectedComponents,
  degreeCentrality,
  DisjointSets,
  normaliseBetweenness,
  type Path,
  shortestPath,
} from './analysis.js';
export {
  type AnalysisOptions,
  analyseCaseGraph,
  analysisGraph,
  casePath,
  DEFAULT_ANALYSIS,
  GENERIC_TREATMENTS,
  type GenericTreatment,
  type GraphAnalysis,
  type IdentifierFlag,
  identifierFlags,
  type NodeMeasures,
  SAME_AS_TRAVERSALS,
  type SameAsTraversal,
} from './analyse.js';
export { buildCaseGraph, DEFAULT_RULES, type GraphRules, personGroups } from './build.js';
export {
  type DerivedIdentifier,
  deriveIdentifiers,
  IDENTIFIER_KINDS,
  type IdentifierKind,
  isMasked,
} from './identifiers.js';
export type {
  CaseGraph,
  DisclosedRecord,
  EdgeDecision,
  GraphEdge,
  GraphNode,
  HitNode,
  IdentifierNode,
  LinkEdge,
  Provenance,
  SameAsEdge,
} from './model.js';
export { identifierSubject, pivotSubject } from './pivot.js';
export { graphRoutes } from './routes.js';
export { GraphService, type GraphServiceOptions, type GraphView, type PathView } from './service.js';
