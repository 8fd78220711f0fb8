/**
 * A small Prometheus registry (text exposition format 0.0.4). Label values are agency ids, step names,
 * decisions and error codes: never selector values or record content.
 */

type Labels = Readonly<Record<string, string>>;

function key(labels: Labels): string {
  const entries = Object.entries(labels);
  // The hot path (one label, e.g. a pipeline step) needs no sort and no JSON.
  if (entries.length === 1) return `${entries[0]![0]}\u0000${entries[0]![1]}`;
  return JSON.stringify(entries.sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Labels in name order (with `le` last), so every series has one spelling. */
function render(labels: Labels): string {
  const entries = Object.entries(labels).sort(([a], [b]) =>
    a === 'le' ? 1 : b === 'le' ? -1 : a < b ? -1 : 1,
  );
  if (entries.length === 0) return '';
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `{${entries.map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`;
}

interface Metric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  lines(): string[];
}

export class Counter implements Metric {
  readonly type = 'counter' as const;
  readonly #values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    const cur = this.#values.get(k);
    if (cur) cur.value += by;
    else this.#values.set(k, { labels, value: by });
  }
  get(labels: Labels = {}): number {
    return this.#values.get(key(labels))?.value ?? 0;
  }
  lines(): string[] {
    return [...this.#values.values()].map((v) => `${this.name}${render(v.labels)} ${v.value}`);
  }
}

/** A gauge whose value is read when scraped, so it is never stale. */
export class Gauge implements Metric {
  readonly type = 'gauge' as const;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly collect: () => readonly { labels?: Labels; value: number }[],
  ) {}
  lines(): string[] {
    return this.collect()
      .filter((s) => Number.isFinite(s.value))
      .map((s) => `${this.name}${render(s.labels ?? {})} ${s.value}`);
  }
}

export class Histogram implements Metric {
  readonly type = 'histogram' as const;
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}
  observe(labels: Labels, value: number): void {
    const k = key(labels);
    let s = this.#series.get(k);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.#series.set(k, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
  count(labels: Labels): number {
    return this.#series.get(key(labels))?.count ?? 0;
  }
  lines(): string[] {
    const out: string[] = [];
    for (const s of this.#series.values()) {
      for (const [i, b] of this.buckets.entries()) {
        out.push(`${this.name}_bucket${render({ ...s.labels, le: String(b) })} ${s.counts[i]}`);
      }
      out.push(`${this.name}_bucket${render({ ...s.labels, le: '+Inf' })} ${s.count}`);
      out.push(`${this.name}_sum${render(s.labels)} ${s.sum}`);
      out.push(`${this.name}_count${render(s.labels)} ${s.count}`);
    }
    return out;
  }
}

export class Registry {
  readonly #metrics: Metric[] = [];
  register<M extends Metric>(m: M): M {
    if (this.#metrics.some((x) => x.name === m.name))
      throw new TypeError(`metric ${m.name} registered twice`);
    this.#metrics.push(m);
    return m;
  }
  expose(): string {
    const out: string[] = [];
    for (const m of this.#metrics) {
      out.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`, ...m.lines());
    }
    return `${out.join('\n')}\n`;
  }
}

const LATENCY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** The node's metrics. Gauges that depend on other components are registered by those components. */
export function createNodeMetrics() {
  const registry = new Registry();
  return {
    registry,
    queriesIn: registry.register(
      new Counter('mosaic_peer_queries_in_total', 'Peer queries answered, by requesting peer and decision.'),
    ),
    refusalsIn: registry.register(
      new Counter('mosaic_peer_refusals_in_total', 'Peer queries refused before a decision, by error code.'),
    ),
    searchesLimited: registry.register(
      new Counter(
        'mosaic_searches_limited_total',
        'Searches refused before any query was sent because the analyst reached api.searchLimits, by limit (minute, day).',
      ),
    ),
    queriesOut: registry.register(
      new Counter('mosaic_peer_queries_out_total', 'Queries sent to peers, by peer and resulting status.'),
    ),
    stepSeconds: registry.register(
      new Histogram(
        'mosaic_pipeline_step_seconds',
        'Time spent in each step of the responder pipeline.',
        LATENCY_BUCKETS,
      ),
    ),
    peerCallSeconds: registry.register(
      new Histogram('mosaic_peer_call_seconds', 'Round-trip time of calls to each peer.', LATENCY_BUCKETS),
    ),
  };
}

export type NodeMetrics = ReturnType<typeof createNodeMetrics>;
