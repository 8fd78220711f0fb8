import type { KeyObject } from 'node:crypto';
import {
  createNoteSigner,
  formatVerifierKey,
  type NoteSigner,
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  verifierOf,
} from '../../audit/index.js';

/**
 * The names under which a node's log and witness keys sign (C2SP signed-note key names). The log origin is
 * the log's identity in every checkpoint; it names the agency, so checkpoints of two members never collide.
 */
export function logOrigin(agencyId: string): string {
  return `${agencyId}.mosaic/audit/v1`;
}

export function witnessName(agencyId: string): string {
  return `${agencyId}.mosaic/witness`;
}

export function logSigner(agencyId: string, key: KeyObject): NoteSigner {
  return createNoteSigner(logOrigin(agencyId), key, SIG_TYPE_ED25519);
}

export function witnessSigner(agencyId: string, key: KeyObject): NoteSigner {
  return createNoteSigner(witnessName(agencyId), key, SIG_TYPE_COSIGNATURE_V1);
}

/** The verifier-key text published in the trust list (`logKey`, `witnessKey`). */
export function vkeyOf(signer: NoteSigner): string {
  return formatVerifierKey(verifierOf(signer));
}
