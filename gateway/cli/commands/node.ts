import { MosaicError } from '../../../contracts/index.js';
import { loadNodeConfig } from '../../config/load.js';
import { initNode } from '../../node/init.js';
import { MosaicNode } from '../../node/node.js';
import { startTelemetry } from '../../telemetry.js';
import { type Command, optStr, str } from '../command.js';

export const nodeInit: Command = {
  path: ['node', 'init'],
  summary:
    'Create a node directory: JWS signing key, TLS key and certificate request, membership request, config.',
  options: {
    dir: { type: 'string', description: 'node directory to create', required: true },
    agency: { type: 'string', description: 'agency id (lower-case)', required: true },
    country: { type: 'string', description: 'ISO 3166-1 alpha-2 country code', required: true },
    endpoint: { type: 'string', description: 'https:// URL peers will call', required: true },
    name: { type: 'string', description: 'agency display name (default: the id)' },
    alg: { type: 'string', description: 'JWS algorithm: ES256 (default) or EdDSA' },
    'trust-list': { type: 'string', description: 'trust list source: path or https:// URL' },
  },
  async run(args, io) {
    const alg = optStr(args, 'alg') ?? 'ES256';
    if (alg !== 'ES256' && alg !== 'EdDSA') {
      throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: '--alg must be ES256 or EdDSA' });
    }
    const trustList = optStr(args, 'trust-list');
    const request = initNode({
      dir: str(args, 'dir'),
      agencyId: str(args, 'agency'),
      country: str(args, 'country'),
      endpoint: str(args, 'endpoint'),
      name: optStr(args, 'name') ?? str(args, 'agency'),
      alg,
      ...(trustList === undefined ? {} : { trustListSource: trustList }),
    });
    io.out(`node ${request.agencyId} initialised in ${str(args, 'dir')}`);
    io.out(`signing key id: ${request.jwks.keys[0]!.kid}`);
    io.out(`send ${str(args, 'dir')}/membership-request.json to the federation authority`);
    return 0;
  },
};

export const nodeStart: Command = {
  path: ['node', 'start'],
  summary:
    'Run a node. Prints one JSON line with its listener URLs when ready. SIGHUP reloads the trust list, ' +
    'TLS certificates and signing key; ' +
    'SIGINT/SIGTERM stop it gracefully.',
  options: { config: { type: 'string', description: 'path to mosaic.yaml', required: true } },
  async run(args, io) {
    const config = loadNodeConfig(str(args, 'config'));
    const telemetry = config.telemetry.otlpEndpoint
      ? startTelemetry({
          serviceName: `mosaic-${config.agency.id}`,
          otlpEndpoint: config.telemetry.otlpEndpoint,
        })
      : undefined;
    const node = await MosaicNode.start(config, { configPath: str(args, 'config') });
    io.out(
      JSON.stringify({
        event: 'listening',
        agency: node.config.agency.id,
        peer: node.peerUrl,
        api: node.apiUrl,
      }),
    );
    process.on('SIGHUP', () => {
      node.reload().catch(() => undefined);
    });
    await new Promise<void>((resolve) => {
      const stop = () => {
        node.stop().then(resolve, resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await telemetry?.shutdown();
    io.out(JSON.stringify({ event: 'stopped', agency: node.config.agency.id }));
    return 0;
  },
};

export const configCheck: Command = {
  path: ['config', 'check'],
  summary: 'Validate a node configuration file and report every problem with its path and line.',
  options: { config: { type: 'string', description: 'path to mosaic.yaml', required: true } },
  async run(args, io) {
    const config = loadNodeConfig(str(args, 'config'));
    io.out(`configuration OK: agency ${config.agency.id}, peer port ${config.listen.peer.port}`);
    return 0;
  },
};
