import type { EntityRecord } from '../../contracts/schemas/entity.js';
import {
  blockingKeys,
  type Features,
  type PrepareOptions,
  prepareFeatures,
  termValues,
} from '../../matching/index.js';
import { hashKey } from '../hash.js';

/**
 * Everything the SQLite writer stores for a run of records that does not need the database: the stored
 * body, the features, the hashed blocking keys and the term counts. Pure, so an import can compute it on
 * another thread (import-worker.ts) while the writer inserts the previous run.
 */
export interface PreparedBatch {
  bodies: string[];
  features: string[];
  /** Hashed blocking keys of all records, record i's in `keys[ends[i-1] .. ends[i])`. */
  keys: Float64Array;
  ends: Uint32Array;
  /** Term-count deltas of the whole run, as [termKey, n], assuming every record is stored. */
  terms: [string, number][];
}

/** The key of one term count in the writer's delta map: field NUL value. */
export function termKey(field: string, value: string): string {
  return `${field}\u0000${value}`;
}

/** Term-count keys of one record's features (see termValues). */
export function termKeys(f: Features): string[] {
  return termValues(f).map(([field, value]) => termKey(field, value));
}

/** Blocking keys of `f` in dataset `dataset`, hashed as the `bkeys` table stores them. */
export function hashedKeys(dataset: string, f: Features): number[] {
  const prefix = `${dataset}\u0000`;
  return blockingKeys(f).map((k) => hashKey(prefix + k));
}

export function prepareBatch(
  dataset: string,
  records: readonly EntityRecord[],
  options: PrepareOptions,
): PreparedBatch {
  const bodies: string[] = [];
  const features: string[] = [];
  const keys: number[] = [];
  const ends = new Uint32Array(records.length);
  const terms = new Map<string, number>();
  records.forEach((record, i) => {
    bodies.push(JSON.stringify(record));
    const f = prepareFeatures(record.kind, record.attributes, options);
    features.push(JSON.stringify(f));
    for (const k of hashedKeys(dataset, f)) keys.push(k);
    ends[i] = keys.length;
    for (const t of termKeys(f)) terms.set(t, (terms.get(t) ?? 0) + 1);
  });
  return { bodies, features, keys: Float64Array.from(keys), ends, terms: [...terms] };
}
