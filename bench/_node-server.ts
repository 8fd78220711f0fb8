/**
 * A Mosaic node in its own process for benchmarks: `node _node-server.js NODE_DIR`. Starts from the node's
 * configuration (data, policies and ledger as configured) on ports the OS picks, prints one JSON line with
 * its URLs, and serves until SIGTERM.
 */
import { join } from 'node:path';
import { loadNodeConfig } from '../gateway/config/load.js';
import { silentLogger } from '../gateway/log.js';
import { MosaicNode } from '../gateway/node/node.js';

const [nodeDir] = process.argv.slice(2) as [string];
const config = loadNodeConfig(join(nodeDir, 'mosaic.yaml'));
const node = await MosaicNode.start(
  {
    ...config,
    listen: { peer: { host: '127.0.0.1', port: 0 }, api: { host: '127.0.0.1', port: 0 } },
    // A benchmark measures throughput; the per-peer rate limit is a deployment choice, lifted here.
    protocol: { ...config.protocol, rateLimit: { perSecond: 1e6, burst: 1e6 } },
    // MOSAIC_BENCH_MATCH_WORKERS overrides data.matchWorkers (match threads), for comparing settings.
    ...(config.data && process.env['MOSAIC_BENCH_MATCH_WORKERS'] !== undefined
      ? { data: { ...config.data, matchWorkers: Number(process.env['MOSAIC_BENCH_MATCH_WORKERS']) } }
      : {}),
  },
  { logger: silentLogger },
);
process.stdout.write(
  `${JSON.stringify({ url: node.peerUrl, api: node.apiUrl, agency: config.agency.id })}\n`,
);
process.once('SIGTERM', () => {
  node.stop().then(() => process.exit(0));
});
process.on('SIGHUP', () => {
  node.reload().catch(() => undefined);
});
