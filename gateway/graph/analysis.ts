/**
 * Link analysis on an undirected simple graph: shortest path (BFS), degree and betweenness centrality
 * (Brandes 2001), connected components. Pure: no I/O, no clock; same input, same output. Neighbours are
 * visited in id order, so ties (two shortest paths of equal length) always resolve the same way.
 */

/** An undirected edge between two node ids; `id` names it in a path. */
export interface AnalysisEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
}

export interface AnalysisGraph {
  readonly nodes: readonly string[];
  readonly edges: readonly AnalysisEdge[];
}

export interface Path {
  /** Node ids from source to target, both included. */
  readonly nodes: string[];
  /** Edge ids, one fewer than nodes. */
  readonly edges: string[];
}

interface Neighbour {
  readonly node: string;
  readonly edge: string;
}

/**
 * Sorted, de-duplicated neighbour lists. Self-loops are dropped (a node is not its own neighbour, and a loop
 * would count twice in degree); parallel edges collapse to the one with the smallest id. An edge naming a node
 * the graph does not hold is a programming mistake, not input.
 */
export function adjacency(g: AnalysisGraph): Map<string, Neighbour[]> {
  const best = new Map<string, Map<string, string>>();
  for (const n of g.nodes) best.set(n, new Map());
  for (const e of g.edges) {
    const a = best.get(e.from);
    const b = best.get(e.to);
    if (a === undefined || b === undefined) throw new TypeError(`edge ${e.id} names an unknown node`);
    if (e.from === e.to) continue;
    const keep = (m: Map<string, string>, other: string) => {
      const cur = m.get(other);
      if (cur === undefined || e.id < cur) m.set(other, e.id);
    };
    keep(a, e.to);
    keep(b, e.from);
  }
  const adj = new Map<string, Neighbour[]>();
  for (const [n, m] of best) {
    adj.set(
      n,
      [...m.entries()]
        .map(([node, edge]) => ({ node, edge }))
        .sort((x, y) => (x.node < y.node ? -1 : x.node > y.node ? 1 : 0)),
    );
  }
  return adj;
}

/**
 * A shortest path (fewest edges) from `from` to `to` by breadth-first search, or undefined when they are not
 * connected. Among equally short paths the one whose node ids come first at the first difference wins.
 */
export function shortestPath(g: AnalysisGraph, from: string, to: string): Path | undefined {
  const adj = adjacency(g);
  if (!adj.has(from) || !adj.has(to)) return undefined;
  if (from === to) return { nodes: [from], edges: [] };
  const parent = new Map<string, Neighbour>();
  const seen = new Set([from]);
  let frontier = [from];
  while (frontier.length > 0 && !seen.has(to)) {
    const next: string[] = [];
    for (const v of frontier) {
      for (const n of adj.get(v) ?? []) {
        if (seen.has(n.node)) continue;
        seen.add(n.node);
        parent.set(n.node, { node: v, edge: n.edge });
        next.push(n.node);
      }
    }
    frontier = next;
  }
  if (!seen.has(to)) return undefined;
  const nodes = [to];
  const edges: string[] = [];
  for (let p = parent.get(to); p !== undefined; p = parent.get(p.node)) {
    nodes.push(p.node);
    edges.push(p.edge);
  }
  return { nodes: nodes.reverse(), edges: edges.reverse() };
}

/** Number of distinct neighbours of each node (self-loops and parallel edges do not count). */
export function degreeCentrality(g: AnalysisGraph): Map<string, number> {
  const out = new Map<string, number>();
  for (const [n, ns] of adjacency(g)) out.set(n, ns.length);
  return out;
}

/**
 * Betweenness of each node: Σ over unordered pairs {s, t} (s ≠ v ≠ t) of σ_st(v) / σ_st, the share of
 * shortest s–t paths through v. Brandes' algorithm (J. Math. Sociol. 25(2), 2001, Algorithm 1) for
 * unweighted graphs; it accumulates each unordered pair from both ends, so the sums are halved.
 */
export function betweennessCentrality(g: AnalysisGraph): Map<string, number> {
  const adj = adjacency(g);
  const cb = new Map<string, number>();
  for (const n of adj.keys()) cb.set(n, 0);
  for (const s of adj.keys()) {
    const stack: string[] = [];
    const preds = new Map<string, string[]>();
    const sigma = new Map<string, number>([[s, 1]]);
    const dist = new Map<string, number>([[s, 0]]);
    const queue = [s];
    for (let head = 0; head < queue.length; head++) {
      const v = queue[head]!;
      stack.push(v);
      const dv = dist.get(v)!;
      for (const { node: w } of adj.get(v) ?? []) {
        if (!dist.has(w)) {
          dist.set(w, dv + 1);
          queue.push(w);
        }
        if (dist.get(w) === dv + 1) {
          sigma.set(w, (sigma.get(w) ?? 0) + sigma.get(v)!);
          const p = preds.get(w);
          if (p) p.push(v);
          else preds.set(w, [v]);
        }
      }
    }
    const delta = new Map<string, number>();
    for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
      const dw = delta.get(w) ?? 0;
      for (const v of preds.get(w) ?? []) {
        delta.set(v, (delta.get(v) ?? 0) + (sigma.get(v)! / sigma.get(w)!) * (1 + dw));
      }
      if (w !== s) cb.set(w, cb.get(w)! + dw);
    }
  }
  for (const [n, v] of cb) cb.set(n, v / 2);
  return cb;
}

/**
 * Betweenness scaled to [0, 1] by the number of pairs that could route through a node, (n−1)(n−2)/2.
 * Graphs of fewer than three nodes have no such pair: every value is 0.
 */
export function normaliseBetweenness(raw: ReadonlyMap<string, number>): Map<string, number> {
  const n = raw.size;
  const pairs = ((n - 1) * (n - 2)) / 2;
  const out = new Map<string, number>();
  for (const [k, v] of raw) out.set(k, pairs > 0 ? v / pairs : 0);
  return out;
}

/**
 * Connected components, each sorted by node id, largest first (ties: by first node id). Every node is in
 * exactly one component; an isolated node is a component of one.
 */
export function connectedComponents(g: AnalysisGraph): string[][] {
  const adj = adjacency(g);
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const start of [...adj.keys()].sort()) {
    if (seen.has(start)) continue;
    const comp: string[] = [];
    const stack = [start];
    seen.add(start);
    for (let v = stack.pop(); v !== undefined; v = stack.pop()) {
      comp.push(v);
      for (const { node } of adj.get(v) ?? []) {
        if (seen.has(node)) continue;
        seen.add(node);
        stack.push(node);
      }
    }
    out.push(comp.sort());
  }
  return out.sort((a, b) => b.length - a.length || (a[0]! < b[0]! ? -1 : 1));
}

/** Disjoint sets over string keys (union by size, path halving): groups "the same person" for counting. */
export class DisjointSets {
  readonly #parent = new Map<string, string>();
  readonly #size = new Map<string, number>();

  find(x: string): string {
    if (!this.#parent.has(x)) {
      this.#parent.set(x, x);
      this.#size.set(x, 1);
      return x;
    }
    let r = x;
    while (this.#parent.get(r) !== r) {
      const grand = this.#parent.get(this.#parent.get(r)!)!;
      this.#parent.set(r, grand);
      r = grand;
    }
    return r;
  }

  union(a: string, b: string): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.#size.get(ra)! < this.#size.get(rb)!) [ra, rb] = [rb, ra];
    this.#parent.set(rb, ra);
    this.#size.set(ra, this.#size.get(ra)! + this.#size.get(rb)!);
  }
}
