/**
 * bench/fanout: one analyst node searching 1, 10 and 40 peer nodes — real processes on loopback, each holding
 * 100,000 person records (one shared read-only dataset file, each node with its own state and ledger) — and
 * the p50/p95 time to complete a federated search. ratio_40 = p95 with 40 peers / p95 with 1 peer: how well
 * the fan-out hides the number of peers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNodeConfig } from '../gateway/config/load.js';
import { silentLogger } from '../gateway/log.js';
import { MosaicNode } from '../gateway/node/node.js';
import { childCpuMs, startChild, stopChild } from './lib/child.js';
import { createBenchFederation } from './lib/federation.js';
import { fuzzyQueries, provisionResponder } from './lib/responder.js';
import { percentile, round } from './lib/stats.js';

const PEERS = Number(process.env['MOSAIC_BENCH_PEERS'] ?? 40);
const RECORDS = Number(process.env['MOSAIC_BENCH_RECORDS'] ?? 100_000);
const SEARCHES = Number(process.env['MOSAIC_BENCH_SEARCHES'] ?? 30);
const WARMUP = Number(process.env['MOSAIC_BENCH_WARMUP'] ?? 100);
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

const peers = Array.from({ length: PEERS }, (_, i) => `peer-${String(i + 1).padStart(2, '0')}`);
const fed = createBenchFederation(['analyst', ...peers]);
const children: Awaited<ReturnType<typeof startChild>>[] = [];
try {
  // One dataset, imported once through the real path, then shared read-only by every peer.
  const { importRps } = provisionResponder(fed.nodeDir(peers[0]!), RECORDS);
  console.log(`imported ${RECORDS} persons at ${Math.round(importRps)} records/s`);
  const shared = join(fed.nodeDir(peers[0]!), 'data', 'records.db');
  const policies = join(fed.nodeDir(peers[0]!), 'policies');
  for (const p of peers.slice(1)) {
    const config = join(fed.nodeDir(p), 'mosaic.yaml');
    writeFileSync(
      config,
      `${readFileSync(config, 'utf8')}data: { path: ${shared} }\npolicies: { dir: ${policies} }\n`,
    );
  }
  // Forty nodes share two cores here, so each is configured as a node with no spare core would be: matching
  // on its event loop (data.matchWorkers: 0). A match thread per node would add 40 threads competing for the
  // same two cores and a thread hop to every exchange (measured: p95_40 509 ms instead of about 280).
  process.env['MOSAIC_BENCH_MATCH_WORKERS'] ??= '0';
  const t0 = performance.now();
  // Start peers a few at a time: 40 processes at once on two cores would only measure start-up contention.
  for (let i = 0; i < peers.length; i += 8) {
    children.push(
      ...(await Promise.all(
        peers.slice(i, i + 8).map((p) => startChild(here('./_node-server.js'), [fed.nodeDir(p)])),
      )),
    );
  }
  console.log(`${PEERS} peer processes up in ${Math.round(performance.now() - t0)} ms`);
  for (const c of children) fed.setEndpoint(c.info['agency']!, c.info['url']!);
  fed.publish();
  const analyst = await MosaicNode.start(
    {
      ...loadNodeConfig(join(fed.nodeDir('analyst'), 'mosaic.yaml')),
      listen: { peer: { host: '127.0.0.1', port: 0 }, api: { host: '127.0.0.1', port: 0 } },
      // One analyst account runs every measured search: far past the default per-analyst search limits.
      api: { searchLimits: { perMinute: 100_000, perDay: 10_000_000 } },
    },
    { logger: silentLogger },
  );
  const user = analyst.users.add('bench-analyst', 'analyst', new Date()).user;
  const selectors = fuzzyQueries(RECORDS, SEARCHES * 3 + WARMUP);
  let q = 0;
  async function runSearches(targets: readonly string[], n: number): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const s = analyst.searches.start(
        {
          subject: { kind: 'person', selectors: selectors[q++ % selectors.length] },
          purpose: 'trafficking-investigation',
          legalBasis: 'bench',
          caseRef: 'BENCH-FANOUT',
          granularity: 'summary',
          targets: { agencies: [...targets] },
          deadlineMs: 30_000,
        },
        user,
      );
      const done = await analyst.searches.settle(s.id);
      times.push(performance.now() - t);
      const failed = done.peers.filter((p) => p.status !== 'hit' && p.status !== 'no-hit');
      if (failed.length > 0)
        throw new Error(
          `peer failures: ${failed.map((f) => `${f.agency}:${f.status}:${f.reasonCode ?? f.code}`).join(', ')}`,
        );
    }
    return times;
  }
  // Warm every peer up outside the measurement: connections, page cache, and enough queries for V8 to
  // optimise the pipeline. Measured: with 30 warm-up searches a 40-peer search cost 857 ms of CPU, with 100
  // 401 ms, with 200 448 ms: 100 reaches the steady state a node in service is in.
  await runSearches(peers, WARMUP);
  const results: Record<number, number[]> = {};
  // CPU used by every process (peers and this one, which is the analyst node) per search: divided by the
  // cores, the shortest a search could take if nothing waited on anything else.
  const selfCpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const peersCpu = () => children.reduce((sum, c) => sum + childCpuMs(c.child), 0);
  const cpuPerSearch: Record<number, number> = {};
  const analystCpuPerSearch: Record<number, number> = {};
  for (const n of [1, 10, PEERS]) {
    const self0 = selfCpu();
    const peers0 = peersCpu();
    results[n] = await runSearches(peers.slice(0, n), SEARCHES);
    analystCpuPerSearch[n] = (selfCpu() - self0) / SEARCHES;
    cpuPerSearch[n] = analystCpuPerSearch[n]! + (peersCpu() - peers0) / SEARCHES;
    console.log(
      `${n} peer(s): p50 ${round(percentile(results[n]!, 50), 1)} ms, p95 ${round(percentile(results[n]!, 95), 1)} ms; ` +
        `CPU ${round(cpuPerSearch[n]!, 1)} ms per search (analyst ${round(analystCpuPerSearch[n]!, 1)}), ${round(cpuPerSearch[n]! / availableParallelism(), 1)} ms of wall time on ${availableParallelism()} cores at best`,
    );
  }
  await analyst.stop();
  const p95 = (n: number) => round(percentile(results[n]!, 95), 1);
  console.log(
    JSON.stringify({
      bench: 'fanout',
      p95_1: p95(1),
      p95_10: p95(10),
      p95_40: p95(PEERS),
      ratio_40: round(p95(PEERS) / p95(1)),
      cpu_ms_per_search_40: round(cpuPerSearch[PEERS]!, 1),
      cores: availableParallelism(),
    }),
  );
} finally {
  await Promise.all(children.map((c) => stopChild(c.child)));
  fed.cleanup();
}
