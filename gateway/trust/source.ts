import { get } from 'node:https';
import { readFile } from 'node:fs/promises';
import { MosaicError } from '../../contracts/index.js';

const MAX_TRUST_LIST_BYTES = 4 * 1024 * 1024;

/**
 * Where a node fetches its trust list: a local file or an https:// URL published by the authority. The list
 * is signed, so the transport adds confidentiality, not integrity; `ca` lets an agency trust the authority's
 * own CA for that URL.
 */
export async function fetchTrustList(
  source: string,
  options: { ca?: string; timeoutMs?: number } = {},
): Promise<string> {
  try {
    if (source.startsWith('https://'))
      return await httpsText(source, options.ca, options.timeoutMs ?? 10_000);
    return await readFile(source, 'utf8');
  } catch (err) {
    throw new MosaicError('MOSAIC_ERR_TRUST_LIST_UNAVAILABLE', {
      detail: `cannot fetch ${source}`,
      cause: err,
    });
  }
}

function httpsText(url: string, ca: string | undefined, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { ...(ca === undefined ? {} : { ca }), timeout: timeoutMs }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`HTTP ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_TRUST_LIST_BYTES) res.destroy(new Error('trust list larger than 4 MiB'));
        else chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}
