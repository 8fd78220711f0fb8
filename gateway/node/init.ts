import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { MosaicError } from '../../contracts/index.js';
import type { MembershipRequest } from '../federation/membership.js';
import { privateKeyToPem, writePublicFile, writeSecretFile } from '../keys/files.js';
import { generateSigningKey, type JwsAlg } from '../keys/jwk.js';
import { logSigner, vkeyOf, witnessSigner } from '../ledger/keys.js';
import { createCsr, generateTlsKey } from '../pki/x509.js';

/**
 * A node directory after `mosaic node init`:
 *   mosaic.yaml                 the configuration (paths relative to this directory)
 *   keys/signing.key.pem        JWS signing key (0600)
 *   tls/key.pem                 TLS key (0600)
 *   tls/request.csr.pem         certificate request for the federation CA
 *   membership-request.json     what the operator sends the authority (public data only)
 *   tls/cert.pem, federation/ca.pem, federation/anchors.json   written by `mosaic federation admit --out`
 */
export const NODE_FILES = {
  config: 'mosaic.yaml',
  signingKey: 'keys/signing.key.pem',
  logKey: 'keys/log.key.pem',
  witnessKey: 'keys/witness.key.pem',
  tlsKey: 'tls/key.pem',
  csr: 'tls/request.csr.pem',
  cert: 'tls/cert.pem',
  ca: 'federation/ca.pem',
  anchors: 'federation/anchors.json',
  trustList: 'federation/trust-list.jws',
  request: 'membership-request.json',
} as const;

export interface NodeInitOptions {
  readonly dir: string;
  readonly agencyId: string;
  readonly name: string;
  readonly country: string;
  readonly endpoint: string;
  readonly alg?: JwsAlg;
  /** Where the node reads the trust list: a path (relative to dir) or an https:// URL. */
  readonly trustListSource?: string;
  readonly peerPort?: number;
  readonly apiPort?: number;
  readonly host?: string;
}

export function initNode(o: NodeInitOptions): MembershipRequest {
  if (!/^[a-z][a-z0-9-]{1,62}$/.test(o.agencyId)) {
    throw new MosaicError('MOSAIC_ERR_CLI_USAGE', {
      detail: '--agency must be lower-case letters, digits, hyphens',
    });
  }
  if (!/^[A-Z]{2}$/.test(o.country)) {
    throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: '--country must be an ISO 3166-1 alpha-2 code' });
  }
  let endpoint: URL;
  try {
    endpoint = new URL(o.endpoint);
  } catch {
    throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: '--endpoint must be an https:// URL' });
  }
  if (endpoint.protocol !== 'https:') {
    throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: '--endpoint must be an https:// URL' });
  }
  const signing = generateSigningKey(o.alg ?? 'ES256');
  const logKey = generateKeyPairSync('ed25519').privateKey;
  const witnessKey = generateKeyPairSync('ed25519').privateKey;
  const tlsKey = generateTlsKey();
  const host = endpoint.hostname.replace(/^\[|\]$/g, '');
  const csr = createCsr(tlsKey, { agencyId: o.agencyId, name: o.name, country: o.country }, [host]);
  writeSecretFile(join(o.dir, NODE_FILES.signingKey), privateKeyToPem(signing.privateKey));
  writeSecretFile(join(o.dir, NODE_FILES.tlsKey), privateKeyToPem(tlsKey));
  writeSecretFile(join(o.dir, NODE_FILES.logKey), privateKeyToPem(logKey));
  writeSecretFile(join(o.dir, NODE_FILES.witnessKey), privateKeyToPem(witnessKey));
  writePublicFile(join(o.dir, NODE_FILES.csr), csr);
  const request: MembershipRequest = {
    agencyId: o.agencyId,
    name: o.name,
    country: o.country,
    endpoint: endpoint.toString().replace(/\/$/, ''),
    jwks: { keys: [signing.publicJwk] },
    csr,
    logKey: vkeyOf(logSigner(o.agencyId, logKey)),
    witnessKey: vkeyOf(witnessSigner(o.agencyId, witnessKey)),
  };
  writePublicFile(join(o.dir, NODE_FILES.request), `${JSON.stringify(request, null, 2)}\n`);
  const config = {
    agency: { id: o.agencyId, name: o.name, country: o.country },
    endpoint: request.endpoint,
    dataDir: 'data',
    listen: {
      peer: { host: o.host ?? '127.0.0.1', port: o.peerPort ?? (Number(endpoint.port) || 8443) },
      api: { host: o.host ?? '127.0.0.1', port: o.apiPort ?? 8080 },
    },
    tls: { key: NODE_FILES.tlsKey, cert: NODE_FILES.cert, ca: NODE_FILES.ca },
    signing: { key: NODE_FILES.signingKey },
    audit: { logKey: NODE_FILES.logKey, witnessKey: NODE_FILES.witnessKey },
    trustList: {
      source: o.trustListSource ?? NODE_FILES.trustList,
      anchors: NODE_FILES.anchors,
      maxAgeSeconds: 86400,
      refreshSeconds: 300,
    },
    protocol: { clockToleranceSeconds: 30, maxQueryLifetimeSeconds: 120, maxBodyBytes: 65536 },
  };
  writePublicFile(
    join(o.dir, NODE_FILES.config),
    `# Mosaic node configuration (see README, "Configuration")\n${stringify(config)}`,
  );
  return request;
}
