import type { NodeConfig } from '../../contracts/index.js';
import { loadPrivateKey, readRequiredFile } from '../keys/files.js';
import { type SigningKey, signingKeyFrom } from '../keys/jwk.js';
import { certThumbprint, readCertificate, spkiPin } from '../pki/x509.js';

/** Everything that proves this node's identity: TLS material and the JWS signing key. Reloaded on SIGHUP. */
export interface NodeIdentity {
  readonly signingKey: SigningKey;
  readonly tls: { readonly key: string; readonly cert: string; readonly ca: string; readonly crl?: string };
  /** `x5t#S256` of our certificate, for the `cnf` claim of the queries we send. */
  readonly certThumbprint: string;
  readonly tlsPin: string;
  readonly certNotAfter: number;
}

function passphrase(file: string | undefined, envName: string): string | undefined {
  if (file !== undefined) return readRequiredFile(file).replace(/\r?\n$/, '');
  return process.env[envName];
}

/** Load and check the identity files named in the configuration; every failure is a coded error. */
export function loadIdentity(config: NodeConfig): NodeIdentity {
  const key = loadPrivateKey(
    config.tls.key,
    passphrase(config.tls.passphraseFile, 'MOSAIC_TLS_KEY_PASSPHRASE'),
  );
  const certPem = readRequiredFile(config.tls.cert);
  const caPem = readRequiredFile(config.tls.ca);
  const cert = readCertificate(certPem, config.tls.cert);
  readCertificate(caPem, config.tls.ca);
  const signingKey = signingKeyFrom(
    loadPrivateKey(
      config.signing.key,
      passphrase(config.signing.passphraseFile, 'MOSAIC_SIGNING_KEY_PASSPHRASE'),
    ),
  );
  return {
    signingKey,
    tls: {
      key: key.export({ type: 'pkcs8', format: 'pem' }) as string,
      cert: certPem,
      ca: caPem,
      ...(config.tls.crl === undefined ? {} : { crl: readRequiredFile(config.tls.crl) }),
    },
    certThumbprint: certThumbprint(cert),
    tlsPin: spkiPin(cert),
    certNotAfter: Date.parse(cert.validTo),
  };
}
