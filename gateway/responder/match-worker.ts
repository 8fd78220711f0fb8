/**
 * A match thread: its own read-only connection to the data file (and its own candidate cache) running the
 * match step's fuzzy search for the event-loop thread. See MatchPool.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MosaicError } from '../../contracts/errors/mosaic-error.js';
import { openSqliteConnector } from '../../connectors/index.js';
import { type MatchReply, type MatchRequest, searchDataset } from './match-pool.js';

const { path, cacheRecords } = workerData as { path: string; cacheRecords?: number };
const connector = openSqliteConnector(path, {
  readonly: true,
  ...(cacheRecords === undefined ? {} : { cacheRecords }),
});

parentPort!.on('message', (req: MatchRequest) => {
  searchDataset(connector, req).then(
    (hits) => parentPort!.postMessage({ id: req.id, hits } satisfies MatchReply),
    (e: unknown) =>
      parentPort!.postMessage({
        id: req.id,
        error:
          e instanceof MosaicError
            ? { code: e.code, ...(e.detail === undefined ? {} : { detail: e.detail }), issues: e.issues }
            : { code: 'MOSAIC_ERR_CONNECTOR_UNAVAILABLE', detail: String(e) },
      } satisfies MatchReply),
  );
});
