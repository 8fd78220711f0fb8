import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNodeConfig } from '../gateway/config/load.js';
import { silentLogger } from '../gateway/log.js';
import { MosaicNode } from '../gateway/node/node.js';
import { startChild, stopChild } from './lib/child.js';
import { createBenchFederation } from './lib/federation.js';
import { mtlsAgent, versusEcho } from './lib/load.js';
import { median, percentile, round } from './lib/stats.js';

const ROUNDS = Number(process.env['MOSAIC_BENCH_ROUNDS'] ?? 3);
const SECONDS = Number(process.env['MOSAIC_BENCH_SECONDS'] ?? 5);
const CONNECTIONS = 32;
const server = fileURLToPath(new URL('./_peer-envelope-server.js', import.meta.url));

const fed = createBenchFederation(['requester', 'responder']);
try {
  const requesterDir = fed.nodeDir('requester');
  const agent = () => mtlsAgent(requesterDir, CONNECTIONS);

  const mosaicServer = await startChild(server, ['mosaic', fed.nodeDir('responder')]);
  const baselineServer = await startChild(server, ['baseline', fed.nodeDir('responder')]);
  fed.setEndpoint('responder', mosaicServer.info['url']!);
  fed.publish();
  const requester = await MosaicNode.start(
    {
      ...loadNodeConfig(join(requesterDir, 'mosaic.yaml')),
      listen: { peer: { host: '127.0.0.1', port: 0 }, api: { host: '127.0.0.1', port: 0 } },
    },
    { logger: silentLogger },
  );

  const input = {
    purpose: 'trafficking-investigation',
    legalBasis: 'Council Framework Decision 2006/960/JHA',
    caseRef: 'BENCH-1',
    requester: { id: 'officer-bench', role: 'analyst' as const },
    subject: { kind: 'person' as const, selectors: { fullName: 'Ionut Popescu', birthDate: '1988-03-14' } },
    granularity: 'exists' as const,
    datasets: ['persons'],
  };
  // Queries enough for a round at up to 12,000 rps, signed before each round's clock starts (versusEcho).
  const perRound = 12_000 * SECONDS;
  const echoBody = JSON.stringify(requester.client.signQuery('responder', input).claims);

  const {
    mosaicRps,
    baselineRps,
    latenciesMs: mosaicLat,
    errors,
  } = await versusEcho({
    rounds: ROUNDS,
    seconds: SECONDS,
    connections: CONNECTIONS,
    agent,
    baselineUrl: baselineServer.info['url']!,
    echoBody,
    mosaicUrl: mosaicServer.info['url']!,
    perRound,
    sign: () => requester.client.signQuery('responder', input).token,
  });
  await requester.stop();
  await stopChild(mosaicServer.child);
  await stopChild(baselineServer.child);
  if (errors > 0) throw new Error(`${errors} requests failed`);
  const mosaic = median(mosaicRps);
  const baseline = median(baselineRps);
  console.log(
    `mosaic p50 ${round(percentile(mosaicLat, 50), 2)} ms, p95 ${round(percentile(mosaicLat, 95), 2)} ms`,
  );
  console.log(
    JSON.stringify({
      bench: 'peer-envelope',
      mosaic_rps: Math.round(mosaic),
      baseline_rps: Math.round(baseline),
      ratio: round(mosaic / baseline),
    }),
  );
} finally {
  fed.cleanup();
}
