import type { ErrorSpec } from '../spec.js';

/** Node configuration, key material and operator commands. */
export const nodeErrors = {
  MOSAIC_ERR_CONFIG_INVALID: { status: 500, message: 'The configuration is invalid.' },
  MOSAIC_ERR_CONFIG_NOT_FOUND: { status: 500, message: 'A configured file does not exist.' },
  MOSAIC_ERR_KEY_BAD_PASSPHRASE: {
    status: 500,
    message: 'The private key could not be decrypted with the given passphrase.',
  },
  MOSAIC_ERR_KEY_INVALID: { status: 500, message: 'A key or certificate file could not be parsed.' },
  MOSAIC_ERR_CLI_USAGE: { status: 400, message: 'The command line is not valid.' },
  MOSAIC_ERR_CLI_EXISTS: { status: 409, message: 'The target already exists; refusing to overwrite it.' },
  MOSAIC_ERR_CSR_INVALID: {
    status: 400,
    message: 'The certificate request is invalid or its signature fails.',
  },
  MOSAIC_ERR_INTERNAL: { status: 500, message: 'Internal error.' },
  MOSAIC_ERR_NOT_READY: { status: 503, message: 'The node is not ready.' },
} as const satisfies Record<string, ErrorSpec>;
