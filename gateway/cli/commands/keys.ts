import { existsSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MosaicError } from '../../../contracts/index.js';
import { loadNodeConfig } from '../../config/load.js';
import { readAnchors } from '../../federation/authority.js';
import {
  loadPrivateKey,
  privateKeyToPem,
  readRequiredFile,
  writePublicFile,
  writeSecretFile,
} from '../../keys/files.js';
import { generateSigningKey, signingKeyFrom } from '../../keys/jwk.js';
import { fetchTrustList } from '../../trust/source.js';
import { verifyTrustList } from '../../trust/trust-list.js';
import { type Command, optStr, str } from '../command.js';

function nextPaths(signingKeyPath: string) {
  const dir = dirname(signingKeyPath);
  return { key: join(dir, 'signing.next.key.pem'), jwks: join(dir, 'signing.next.jwks.json') };
}

export const keysRotate: Command = {
  path: ['keys', 'rotate'],
  summary:
    'Start a signing-key rotation: create the next key and its public JWK Set for the authority to add to ' +
    'the trust list next to the current key (overlap).',
  options: {
    config: { type: 'string', description: 'path to mosaic.yaml', required: true },
    alg: { type: 'string', description: 'ES256 (default) or EdDSA' },
  },
  async run(args, io) {
    const alg = optStr(args, 'alg') ?? 'ES256';
    if (alg !== 'ES256' && alg !== 'EdDSA')
      throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: '--alg' });
    const config = loadNodeConfig(str(args, 'config'));
    const paths = nextPaths(config.signing.key);
    const next = generateSigningKey(alg);
    writeSecretFile(paths.key, privateKeyToPem(next.privateKey));
    writePublicFile(paths.jwks, `${JSON.stringify({ keys: [next.publicJwk] }, null, 2)}\n`);
    io.out(`next signing key ${next.kid} written to ${paths.key}`);
    io.out(
      `1. the authority adds it:  mosaic federation update-member --agency ${config.agency.id} --add-jwks ${paths.jwks}`,
    );
    io.out('   and publishes the trust list;');
    io.out(
      `2. once the node has that list: mosaic keys activate --config ${str(args, 'config')}, then SIGHUP the node;`,
    );
    io.out('3. when peers have moved on, the authority drops the old key (--drop-key).');
    return 0;
  },
};

export const keysActivate: Command = {
  path: ['keys', 'activate'],
  summary:
    'Switch to the next signing key, after checking the trust list in force already publishes it. The old ' +
    'key is kept as signing.<kid>.retired.pem. Send SIGHUP to the running node afterwards.',
  options: { config: { type: 'string', description: 'path to mosaic.yaml', required: true } },
  async run(args, io) {
    const config = loadNodeConfig(str(args, 'config'));
    const paths = nextPaths(config.signing.key);
    if (!existsSync(paths.key)) {
      throw new MosaicError('MOSAIC_ERR_CONFIG_NOT_FOUND', {
        detail: `${paths.key}: run 'mosaic keys rotate' first`,
      });
    }
    const next = signingKeyFrom(loadPrivateKey(paths.key));
    const current = signingKeyFrom(loadPrivateKey(config.signing.key));
    const { source, sourceCa } = config.trustList;
    const list = verifyTrustList(
      await fetchTrustList(source, sourceCa === undefined ? {} : { ca: readRequiredFile(sourceCa) }),
      readAnchors(config.trustList.anchors),
    );
    const member = list.members.find((m) => m.agencyId === config.agency.id);
    if (!member?.jwks.keys.some((k) => k.kid === next.kid)) {
      throw new MosaicError('MOSAIC_ERR_TRUST_UNKNOWN_AGENCY', {
        detail: `trust list v${list.version} does not publish key ${next.kid} for ${config.agency.id} yet`,
      });
    }
    renameSync(config.signing.key, join(dirname(config.signing.key), `signing.${current.kid}.retired.pem`));
    renameSync(paths.key, config.signing.key);
    io.out(`now signing with ${next.kid} (retired ${current.kid}); send SIGHUP to the node`);
    return 0;
  },
};
