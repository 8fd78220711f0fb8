/**
 * Server half of bench/peer-envelope, run in its own process: either a real Mosaic node whose decision step
 * permits (everything else of the pipeline real), or the baseline, a bare express-over-mTLS JSON echo with the
 * same certificate, key and CA. Prints one JSON line with its URL, then serves until SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { loadNodeConfig } from '../gateway/config/load.js';
import { silentLogger } from '../gateway/log.js';
import { MosaicNode } from '../gateway/node/node.js';
import { noAudit, permitEnvelopeOnly } from '../gateway/peer/ports.js';

const [mode, nodeDir] = process.argv.slice(2) as [string, string];

if (mode === 'mosaic') {
  const config = loadNodeConfig(join(nodeDir, 'mosaic.yaml'));
  // A benchmark measures throughput; the per-peer rate limit is a deployment choice, lifted here.
  const node = await MosaicNode.start(
    { ...config, protocol: { ...config.protocol, rateLimit: { perSecond: 1e6, burst: 1e6 } } },
    {
      logger: silentLogger,
      decisions: permitEnvelopeOnly,
      // The envelope alone, as issue 2 defines this benchmark: the ledger is measured by bench/audit-append and,
      // with everything else, by bench/peer-query.
      audit: noAudit,
    },
  );
  process.stdout.write(`${JSON.stringify({ url: node.peerUrl })}\n`);
  process.once('SIGTERM', () => {
    node.stop().then(() => process.exit(0));
  });
} else {
  const app = express();
  app.post('/echo', express.json({ limit: '64kb' }), (req, res) => {
    res.json(req.body);
  });
  const server = createServer(
    {
      key: readFileSync(join(nodeDir, 'tls/key.pem')),
      cert: readFileSync(join(nodeDir, 'tls/cert.pem')),
      ca: readFileSync(join(nodeDir, 'federation/ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.3',
    },
    app,
  );
  server.listen(0, '127.0.0.1', () => {
    const port = (server.address() as AddressInfo).port;
    process.stdout.write(`${JSON.stringify({ url: `https://127.0.0.1:${port}` })}\n`);
  });
  process.once('SIGTERM', () => process.exit(0));
}
