import { readFile } from 'node:fs/promises';
import { MosaicError } from '../../contracts/index.js';

/** Where a node fetches its trust list: a local file or an https:// URL published by the authority. */
export async function fetchTrustList(source: string, signal?: AbortSignal): Promise<string> {
  try {
    if (source.startsWith('https://')) {
      const res = await fetch(source, { signal: signal ?? AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const text = await res.text();
      if (text.length > 4 * 1024 * 1024) throw new Error('trust list larger than 4 MiB');
      return text;
    }
    return await readFile(source, 'utf8');
  } catch (err) {
    throw new MosaicError('MOSAIC_ERR_TRUST_LIST_UNAVAILABLE', {
      detail: `cannot fetch ${source}`,
      cause: err,
    });
  }
}
