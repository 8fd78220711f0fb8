/**
 * The import's preparation thread: receives runs of records on its port and answers each with
 * prepareBatch (bodies, features, hashed blocking keys, term counts), then bumps the shared counter so the
 * importing thread, blocked in Atomics.wait, wakes up. See BatchPreparer.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import type { EntityRecord } from '../../contracts/schemas/entity.js';
import type { PrepareOptions } from '../../matching/index.js';
import { type PreparedBatch, prepareBatch } from '../sqlite/prepare.js';

const { port, done, dataset, options } = workerData as {
  port: MessagePort;
  done: Int32Array;
  dataset: string;
  options: PrepareOptions;
};

port.on('message', (records: EntityRecord[]) => {
  let batch: PreparedBatch | undefined;
  try {
    batch = prepareBatch(dataset, records, options);
    port.postMessage({ batch }, [batch.keys.buffer as ArrayBuffer, batch.ends.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
});
