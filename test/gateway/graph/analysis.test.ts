import { describe, expect, it } from 'vitest';
import {
  adjacency,
  type AnalysisGraph,
  betweennessCentrality,
  connectedComponents,
  DisjointSets,
  degreeCentrality,
  normaliseBetweenness,
  shortestPath,
} from '../../../gateway/graph/index.js';

/** `g('a-b b-c', 'z')`: undirected edges named by their endpoints, plus isolated nodes. */
function g(edges: string, ...isolated: string[]): AnalysisGraph {
  const pairs = edges
    .split(' ')
    .filter((s) => s !== '')
    .map((s) => s.split('-') as [string, string]);
  const nodes = [...new Set([...pairs.flat(), ...isolated])].sort();
  return { nodes, edges: pairs.map(([from, to]) => ({ id: `${from}${to}`, from, to })) };
}

const obj = (m: ReadonlyMap<string, number>) =>
  Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));

/** Brute force: enumerate every shortest path of every pair and count the share through each node. */
function bruteBetweenness(graph: AnalysisGraph): Record<string, number> {
  const adj = adjacency(graph);
  const out: Record<string, number> = Object.fromEntries(graph.nodes.map((n) => [n, 0]));
  const nodes = [...graph.nodes];
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const s = nodes[i]!;
      const t = nodes[j]!;
      // All simple paths by DFS, keep the shortest ones.
      const paths: string[][] = [];
      const walk = (path: string[]) => {
        const last = path.at(-1)!;
        if (last === t) return void paths.push([...path]);
        for (const { node } of adj.get(last)!) if (!path.includes(node)) walk([...path, node]);
      };
      walk([s]);
      if (paths.length === 0) continue;
      const min = Math.min(...paths.map((p) => p.length));
      const shortest = paths.filter((p) => p.length === min);
      for (const p of shortest) for (const v of p.slice(1, -1)) out[v]! += 1 / shortest.length;
    }
  }
  return out;
}

describe('shortestPath (BFS)', () => {
  it('finds the fewest-edge path and names its edges', () => {
    const graph = g('a-b b-c c-d a-x x-y y-z z-d');
    expect(shortestPath(graph, 'a', 'd')).toEqual({ nodes: ['a', 'b', 'c', 'd'], edges: ['ab', 'bc', 'cd'] });
  });

  it('breaks ties by node id: of two equal paths the one through the smaller id wins', () => {
    const square = g('a-b b-c c-d d-a');
    expect(shortestPath(square, 'a', 'c')!.nodes).toEqual(['a', 'b', 'c']);
    // The same square with the edges listed in another order gives the same answer.
    const reordered = { ...square, edges: [...square.edges].reverse() };
    expect(shortestPath(reordered, 'a', 'c')!.nodes).toEqual(['a', 'b', 'c']);
  });

  it('is undirected: the edge a→b is walked from b to a', () => {
    expect(shortestPath(g('a-b'), 'b', 'a')).toEqual({ nodes: ['b', 'a'], edges: ['ab'] });
  });

  it('returns undefined across components and for unknown nodes; a node to itself is a path of length 0', () => {
    const graph = g('a-b x-y', 'z');
    expect(shortestPath(graph, 'a', 'y')).toBeUndefined();
    expect(shortestPath(graph, 'a', 'z')).toBeUndefined();
    expect(shortestPath(graph, 'a', 'nope')).toBeUndefined();
    expect(shortestPath(graph, 'a', 'a')).toEqual({ nodes: ['a'], edges: [] });
  });

  it('never walks a self-loop and uses the smallest id of parallel edges', () => {
    const graph: AnalysisGraph = {
      nodes: ['a', 'b'],
      edges: [
        { id: 'e2', from: 'a', to: 'b' },
        { id: 'e1', from: 'b', to: 'a' },
        { id: 'loop', from: 'a', to: 'a' },
      ],
    };
    expect(shortestPath(graph, 'a', 'b')).toEqual({ nodes: ['a', 'b'], edges: ['e1'] });
  });

  it('refuses an edge to a node the graph does not hold (a programming mistake)', () => {
    expect(() => shortestPath({ nodes: ['a'], edges: [{ id: 'x', from: 'a', to: 'b' }] }, 'a', 'a')).toThrow(
      TypeError,
    );
  });
});

describe('degreeCentrality', () => {
  it('counts distinct neighbours; self-loops and parallel edges add nothing', () => {
    const graph: AnalysisGraph = {
      nodes: ['a', 'b', 'c', 'z'],
      edges: [
        { id: '1', from: 'a', to: 'b' },
        { id: '2', from: 'a', to: 'b' },
        { id: '3', from: 'a', to: 'a' },
        { id: '4', from: 'c', to: 'a' },
      ],
    };
    expect(obj(degreeCentrality(graph))).toEqual({ a: 2, b: 1, c: 1, z: 0 });
  });
});

describe('betweennessCentrality (Brandes)', () => {
  it('line a–b–c–d: each inner node lies on two pairs', () => {
    const b = betweennessCentrality(g('a-b b-c c-d'));
    expect(obj(b)).toEqual({ a: 0, b: 2, c: 2, d: 0 });
    // n = 4: (n−1)(n−2)/2 = 3 pairs could route through a node.
    expect(obj(normaliseBetweenness(b))).toEqual({ a: 0, b: 2 / 3, c: 2 / 3, d: 0 });
  });

  it('star: the centre lies on all C(4,2) = 6 leaf pairs, normalised 1', () => {
    const b = betweennessCentrality(g('x-1 x-2 x-3 x-4'));
    expect(obj(b)).toEqual({ '1': 0, '2': 0, '3': 0, '4': 0, x: 6 });
    expect(normaliseBetweenness(b).get('x')).toBe(1);
  });

  it('square: opposite corners have two shortest paths, so every corner gets ½', () => {
    expect(obj(betweennessCentrality(g('a-b b-c c-d d-a')))).toEqual({ a: 0.5, b: 0.5, c: 0.5, d: 0.5 });
  });

  it('diamond with a tail (worked by hand in the test comment)', () => {
    // a–b, a–c, b–d, c–d, d–e. Pairs through inner nodes:
    // (a,d): b ½, c ½ · (a,e): b ½, c ½, d 1 · (b,c): a ½, d ½ · (b,e): d 1 · (c,e): d 1
    // → a ½, b 1, c 1, d 3½, e 0.
    expect(obj(betweennessCentrality(g('a-b a-c b-d c-d d-e')))).toEqual({
      a: 0.5,
      b: 1,
      c: 1,
      d: 3.5,
      e: 0,
    });
  });

  it('disconnected graph: pairs in different components contribute nothing', () => {
    expect(obj(betweennessCentrality(g('a-b b-c x-y', 'z')))).toEqual({ a: 0, b: 1, c: 0, x: 0, y: 0, z: 0 });
  });

  it('ignores self-loops and parallel edges', () => {
    const graph: AnalysisGraph = {
      nodes: ['a', 'b', 'c'],
      edges: [
        { id: '1', from: 'a', to: 'b' },
        { id: '2', from: 'b', to: 'a' },
        { id: '3', from: 'b', to: 'b' },
        { id: '4', from: 'b', to: 'c' },
      ],
    };
    expect(obj(betweennessCentrality(graph))).toEqual({ a: 0, b: 1, c: 0 });
  });

  it('normalises graphs of fewer than three nodes to 0 (no pair can route through a node)', () => {
    expect(obj(normaliseBetweenness(betweennessCentrality(g('a-b'))))).toEqual({ a: 0, b: 0 });
    expect(normaliseBetweenness(new Map()).size).toBe(0);
  });

  it.each([
    ['two triangles joined by a bridge', 'a-b b-c c-a c-d d-e e-f f-d'],
    ['ladder', 'a-b c-d e-f a-c c-e b-d d-f'],
    ['wheel with a pendant', 'h-1 h-2 h-3 h-4 h-5 1-2 2-3 3-4 4-5 5-1 5-p'],
    ['two components with a cycle', 'a-b b-c c-d d-a a-c x-y y-z'],
  ])('agrees with brute-force path enumeration: %s', (_name, edges) => {
    const graph = g(edges);
    const brandes = obj(betweennessCentrality(graph));
    const brute = bruteBetweenness(graph);
    for (const n of graph.nodes) expect(brandes[n]).toBeCloseTo(brute[n]!, 9);
  });
});

describe('connectedComponents', () => {
  it('puts every node in exactly one component, largest first, ties by first id, isolated nodes alone', () => {
    expect(connectedComponents(g('c-b b-a y-x q-p', 'z'))).toEqual([
      ['a', 'b', 'c'],
      ['p', 'q'],
      ['x', 'y'],
      ['z'],
    ]);
  });

  it('an empty graph has no components; a self-loop does not join anything', () => {
    expect(connectedComponents({ nodes: [], edges: [] })).toEqual([]);
    expect(connectedComponents({ nodes: ['a', 'b'], edges: [{ id: 'l', from: 'a', to: 'a' }] })).toEqual([
      ['a'],
      ['b'],
    ]);
  });
});

describe('DisjointSets', () => {
  it('joins transitively and keeps singletons apart', () => {
    const s = new DisjointSets();
    s.union('a', 'b');
    s.union('c', 'd');
    s.union('b', 'd');
    expect(new Set(['a', 'b', 'c', 'd'].map((x) => s.find(x))).size).toBe(1);
    expect(s.find('e')).toBe('e');
    expect(s.find('e')).not.toBe(s.find('a'));
  });
});
