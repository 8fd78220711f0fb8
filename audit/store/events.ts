import { randomBytes } from 'node:crypto';
import {
  type AuditEvent,
  auditEventSchema,
  type CommittedAuditEvent,
  canonicalize,
  compileSchema,
  type Digest,
  MosaicError,
} from '../../contracts/index.js';
import { leafHash, sha256DigestOf } from '../merkle/hash.js';

const validateCommitted = compileSchema<CommittedAuditEvent>(auditEventSchema);

/** The bytes of a leaf and of its purgeable body, ready to store. */
export interface PreparedEntry {
  readonly committed: CommittedAuditEvent;
  /** RFC 8785 text of the committed event: exactly the leaf data. */
  readonly leafData: string;
  readonly leafHash: Uint8Array;
  /** RFC 8785 text of `{ salt, data }`, or null when the event has no body. */
  readonly bodyText: string | null;
}

// One randomBytes call per 256 salts: the per-call cost of the CSPRNG, not its output, showed in append profiles.
let saltPool = Buffer.alloc(0);
let saltAt = 0;
function nextSalt(): string {
  if (saltAt + 16 > saltPool.length) {
    saltPool = randomBytes(4096);
    saltAt = 0;
  }
  const salt = saltPool.toString('base64', saltAt, saltAt + 16);
  saltAt += 16;
  return salt;
}

/**
 * Turn a caller's event and optional personal-data body into the committed leaf. The body is salted with 16
 * random bytes before hashing so `bodyDigest` cannot be brute-forced from a guessable value (a phone number)
 * once the leaf is exported; the salt is purged together with the body.
 */
export function prepareEntry(event: AuditEvent, body?: unknown): PreparedEntry {
  let bodyText: string | null = null;
  let bodyDigest: Digest | null = null;
  if (body !== undefined) {
    try {
      bodyText = canonicalize({ salt: nextSalt(), data: body });
    } catch (cause) {
      throw new MosaicError('MOSAIC_ERR_AUDIT_EVENT_INVALID', {
        issues: [{ path: '/body', message: 'is not representable as JSON' }],
        cause,
      });
    }
    bodyDigest = sha256DigestOf(bodyText);
  }
  const committed = { ...event, v: 1, bodyDigest } as CommittedAuditEvent;
  if (!validateCommitted(committed)) {
    throw new MosaicError('MOSAIC_ERR_AUDIT_EVENT_INVALID', { issues: validateCommitted.issues() });
  }
  const leafData = canonicalize(committed);
  return { committed, leafData, leafHash: leafHash(leafData), bodyText };
}

/** Validate a committed event read back from storage or a bundle. */
export function isCommittedEvent(value: unknown): value is CommittedAuditEvent {
  return validateCommitted(value);
}
