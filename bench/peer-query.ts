import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNodeConfig } from '../gateway/config/load.js';
import { silentLogger } from '../gateway/log.js';
import { MosaicNode } from '../gateway/node/node.js';
import { childCpuMs, startChild, stopChild } from './lib/child.js';
import { createBenchFederation } from './lib/federation.js';
import { mtlsAgent, versusEcho } from './lib/load.js';
import { fuzzyQueries, provisionResponder } from './lib/responder.js';
import { median, percentile, round } from './lib/stats.js';

const RECORDS = Number(process.env['MOSAIC_BENCH_RECORDS'] ?? 100_000);
const ROUNDS = Number(process.env['MOSAIC_BENCH_ROUNDS'] ?? 3);
const SECONDS = Number(process.env['MOSAIC_BENCH_SECONDS'] ?? 5);
const CONNECTIONS = 32;
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

const fed = createBenchFederation(['requester', 'responder']);
try {
  const { importRps } = provisionResponder(fed.nodeDir('responder'), RECORDS);
  console.log(`imported ${RECORDS} persons at ${Math.round(importRps)} records/s`);
  const requesterDir = fed.nodeDir('requester');
  const agent = () => mtlsAgent(requesterDir, CONNECTIONS);
  const mosaic = await startChild(here('./_node-server.js'), [fed.nodeDir('responder')]);
  const baseline = await startChild(here('./_peer-envelope-server.js'), [
    'baseline',
    fed.nodeDir('responder'),
  ]);
  fed.setEndpoint('responder', mosaic.info['url']!);
  fed.publish();
  const requester = await MosaicNode.start(
    {
      ...loadNodeConfig(join(requesterDir, 'mosaic.yaml')),
      listen: { peer: { host: '127.0.0.1', port: 0 }, api: { host: '127.0.0.1', port: 0 } },
    },
    { logger: silentLogger },
  );
  const selectors = fuzzyQueries(RECORDS, 2000);
  const input = (i: number) => ({
    purpose: 'trafficking-investigation',
    legalBasis: 'Council Framework Decision 2006/960/JHA',
    caseRef: 'BENCH-2',
    requester: { id: 'officer-bench', role: 'analyst' as const },
    subject: { kind: 'person' as const, selectors: selectors[i % selectors.length]! },
    granularity: 'summary' as const,
    datasets: ['persons'],
  });
  // A warm-up pass over every distinct query the rounds will send (8 at a time): the first time a query's
  // candidates are read they come from disk and are parsed; the rounds measure the steady state. It also
  // checks the work is real: the policy permits and the fuzzy queries find their persons.
  let found = 0;
  for (let i = 0; i < selectors.length; i += 8) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(8, selectors.length - i) }, (_, k) =>
        requester.client.query('responder', input(i + k)),
      ),
    );
    for (const a of answers) {
      if (a.response.decision.effect !== 'permit')
        throw new Error(`denied: ${a.response.decision.reasonCode}`);
      if ((a.response.results[0]?.hits?.length ?? 0) > 0) found++;
    }
  }
  if (found < 0.75 * selectors.length)
    throw new Error(`only ${found} of ${selectors.length} fuzzy queries found their person`);
  console.log(`warm-up: ${found} of ${selectors.length} fuzzy queries found their person`);
  const echoBody = JSON.stringify(requester.client.signQuery('responder', input(0)).claims);

  const {
    mosaicRps,
    baselineRps,
    latenciesMs: lat,
    errors,
    cpuPerRequest,
  } = await versusEcho({
    rounds: ROUNDS,
    seconds: SECONDS,
    connections: CONNECTIONS,
    agent,
    baselineUrl: baseline.info['url']!,
    echoBody,
    mosaicUrl: mosaic.info['url']!,
    perRound: 6000 * SECONDS,
    sign: (i) => requester.client.signQuery('responder', input(i)).token,
    mosaicCpuMs: () => childCpuMs(mosaic.child),
    baselineCpuMs: () => childCpuMs(baseline.child),
  });
  // Where the responder's time went: its own per-step histogram sums over the whole run (warm-up included).
  const metrics = await (await fetch(`${mosaic.info['api']}/metrics`)).text();
  const steps = stepBreakdown(metrics);
  console.log(`responder steps, mean ms per query: ${steps}`);
  const c = cpuPerRequest;
  console.log(
    `CPU ms per request: Mosaic responder ${round(c.mosaic, 3)} (load generator ${round(c.loadMosaic, 3)}), ` +
      `echo server ${round(c.baseline, 3)} (load generator ${round(c.loadBaseline, 3)})`,
  );
  const commits = Number(/^mosaic_audit_ledger_commits (\S+)$/m.exec(metrics)?.[1] ?? 0);
  const entries = Number(/^mosaic_audit_ledger_entries (\S+)$/m.exec(metrics)?.[1] ?? 0);
  console.log(`responder ledger: ${entries} entries in ${commits} durable commits`);
  await requester.stop();
  await stopChild(mosaic.child);
  await stopChild(baseline.child);
  if (errors > 0) throw new Error(`${errors} requests failed`);
  const m = median(mosaicRps);
  const b = median(baselineRps);
  console.log(`mosaic p50 ${round(percentile(lat, 50), 2)} ms, p95 ${round(percentile(lat, 95), 2)} ms`);
  console.log(
    JSON.stringify({
      bench: 'peer-query',
      mosaic_rps: Math.round(m),
      baseline_rps: Math.round(b),
      ratio: round(m / b),
    }),
  );
} finally {
  fed.cleanup();
}

/** `mosaic_pipeline_step_seconds` sums divided by counts, as `step 0.12, …` in pipeline order. */
function stepBreakdown(metrics: string): string {
  const sums = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const m of metrics.matchAll(/^mosaic_pipeline_step_seconds_(sum|count)\{step="([^"]+)"\} (\S+)$/gm)) {
    (m[1] === 'sum' ? sums : counts).set(m[2]!, Number(m[3]));
  }
  return [...sums]
    .map(([step, sum]) => `${step} ${round((sum * 1000) / (counts.get(step) ?? 1), 3)}`)
    .join(', ');
}
