import { createPrivateKey, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MosaicError } from '../../contracts/index.js';

/**
 * Write a secret (private key) readable by the owner only. `wx` refuses to overwrite: replacing a key is a
 * rotation, which has its own command, never a side effect.
 */
export function writeSecretFile(path: string, data: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, data, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new MosaicError('MOSAIC_ERR_CLI_EXISTS', { detail: path });
    }
    throw err;
  }
  // The umask can strip bits but never add them; chmod makes the mode exact whatever the umask.
  chmodSync(path, 0o600);
}

/** Write a public file (certificate, JWKS, config); refuses to overwrite unless asked. */
export function writePublicFile(path: string, data: string, overwrite = false): void {
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, data, { mode: 0o644, flag: overwrite ? 'w' : 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new MosaicError('MOSAIC_ERR_CLI_EXISTS', { detail: path });
    }
    throw err;
  }
}

export function readRequiredFile(path: string): string {
  if (!existsSync(path)) throw new MosaicError('MOSAIC_ERR_CONFIG_NOT_FOUND', { detail: path });
  return readFileSync(path, 'utf8');
}

/** PKCS#8 PEM, encrypted with AES-256-CBC under the passphrase when one is given. */
export function privateKeyToPem(key: KeyObject, passphrase?: string): string {
  if (passphrase === undefined) return key.export({ type: 'pkcs8', format: 'pem' }) as string;
  return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
}

/** Load a PEM private key, mapping a wrong or missing passphrase to a coded error. */
export function loadPrivateKey(path: string, passphrase?: string): KeyObject {
  const pem = readRequiredFile(path);
  const encrypted = pem.includes('ENCRYPTED');
  if (encrypted && passphrase === undefined) {
    throw new MosaicError('MOSAIC_ERR_KEY_BAD_PASSPHRASE', {
      detail: `${path} is encrypted; no passphrase given`,
    });
  }
  try {
    return createPrivateKey(encrypted ? { key: pem, passphrase: passphrase ?? '' } : pem);
  } catch (err) {
    if (encrypted) throw new MosaicError('MOSAIC_ERR_KEY_BAD_PASSPHRASE', { detail: path, cause: err });
    throw new MosaicError('MOSAIC_ERR_KEY_INVALID', { detail: path, cause: err });
  }
}
