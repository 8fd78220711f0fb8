import { HASH_SIZE } from '../merkle/hash.js';
import { isNoteText, isStrictBase64 } from './keys.js';

/** The body of a C2SP tlog-checkpoint: origin, tree size, root hash (tlog-checkpoint.md). */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
}

/**
 * Format a checkpoint body: three lines, each ending in newline. Mosaic writes no extension lines: the spec
 * calls them NOT RECOMMENDED because monitors cannot audit them.
 */
export function formatCheckpoint(cp: Checkpoint): string {
  if (!isOrigin(cp.origin)) throw new TypeError(`invalid checkpoint origin ${JSON.stringify(cp.origin)}`);
  if (!Number.isSafeInteger(cp.size) || cp.size < 0)
    throw new TypeError('checkpoint size must be an integer ≥ 0');
  if (cp.rootHash.length !== HASH_SIZE) throw new TypeError('checkpoint root hash must be 32 bytes');
  return `${cp.origin}\n${cp.size}\n${Buffer.from(cp.rootHash).toString('base64')}\n`;
}

/**
 * Parse a checkpoint body (the note text). Extension lines after the third are tolerated, as the spec
 * requires, but not returned. Null when malformed: a size with a leading zero, a root that is not 32 bytes.
 */
export function parseCheckpoint(text: string): Checkpoint | null {
  if (!text.endsWith('\n') || !isNoteText(text)) return null;
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return null;
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!isOrigin(origin)) return null;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText)) return null;
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return null;
  if (!isStrictBase64(rootText)) return null;
  const rootHash = new Uint8Array(Buffer.from(rootText, 'base64'));
  if (rootHash.length !== HASH_SIZE) return null;
  return { origin, size, rootHash };
}

function isOrigin(origin: string): boolean {
  return origin.length > 0 && origin.length <= 255 && !/\s/u.test(origin) && isNoteText(origin);
}
