import Database from 'better-sqlite3';
import { MosaicError } from '../../contracts/errors/mosaic-error.js';
import type { EntityKind, EntityRecord } from '../../contracts/schemas/entity.js';
import {
  blockingKeys,
  type CandidateLimits,
  DEFAULT_LIMITS,
  type Features,
  IDENTIFIER_KEYS,
  retrieve,
  type TermFrequencies,
} from '../../matching/index.js';
import { hashKey } from '../hash.js';
import { hashedKeys, type PreparedBatch, prepareBatch, termKeys } from './prepare.js';
import type {
  Candidate,
  CandidateQuery,
  CandidateSet,
  Connector,
  ConnectorDescription,
  ConnectorStats,
  DatasetSettings,
  RecordRef,
  StoredRecord,
} from '../port.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS datasets (
  name TEXT PRIMARY KEY,
  settings TEXT NOT NULL DEFAULT '{}',
  records INTEGER NOT NULL DEFAULT 0,
  -- Kinds and attribute names seen at import, so describe() never scans records.
  kinds TEXT NOT NULL DEFAULT '[]',
  fields TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS records (
  rid INTEGER PRIMARY KEY,
  dataset TEXT NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  features TEXT NOT NULL,
  UNIQUE (dataset, id)
);
-- Blocking keys: hash(dataset, key) → record. The only way a query reaches records.
CREATE TABLE IF NOT EXISTS bkeys (k INTEGER NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (k, rid)) WITHOUT ROWID;
-- Term frequencies per dataset, field and value (TF adjustment, generic-value suppression).
CREATE TABLE IF NOT EXISTS tf (
  dataset TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (dataset, field, value)
) WITHOUT ROWID;
`;

export interface SqliteOptions {
  readonly?: boolean;
  /**
   * How many candidate records (parsed features) and term counts to keep in memory between queries
   * (default 200,000 each, about 650 bytes a person; 0 turns the cache off). The cache is dropped whenever the file changes: this
   * connection's own writes, or another process's commit (`PRAGMA data_version`), e.g. `mosaic import`.
   */
  cacheRecords?: number;
}

/**
 * A bounded cache that keeps recently used entries (two generations: a hit in the old generation moves the
 * entry to the young one; when the young one is full, the old one is dropped whole). Cheaper per hit than an
 * exact LRU, which must reorder its map on every read.
 */
class Cache<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();
  readonly #half: number;
  constructor(max: number) {
    this.#half = Math.floor(max / 2);
  }
  get(k: K): V | undefined {
    const v = this.#young.get(k);
    if (v !== undefined) return v;
    const o = this.#old.get(k);
    if (o !== undefined) this.set(k, o);
    return o;
  }
  set(k: K, v: V): void {
    if (this.#half <= 0) return;
    if (this.#young.size >= this.#half) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(k, v);
  }
  clear(): void {
    this.#young = new Map();
    this.#old = new Map();
  }
  get size(): number {
    return this.#young.size + this.#old.size;
  }
}

/** `conflict`: the id was already written by this writer with other values (a duplicate id in one file). */
type Outcome = 'inserted' | 'updated' | 'unchanged' | 'conflict';

/** Adds records to one dataset; use inside `SqliteConnector.transaction` so an import is all or nothing. */
export interface DatasetWriter {
  upsert(record: EntityRecord): Outcome;
  /**
   * Store records whose bodies, features, keys and term counts were computed ahead (prepareBatch, perhaps
   * on another thread: `p` must be prepareBatch(dataset, records, the writer's settings)). `rows` splits
   * `records` into source rows (their sizes): a row's record, then the linked entities it implies. Returns
   * each row's outcome; the linked entities of a `conflict` row are not stored.
   */
  upsertBatch(records: readonly EntityRecord[], p: PreparedBatch, rows: readonly number[]): Outcome[];
  /** Flush term-frequency deltas and the record count. Call once, inside the same transaction. */
  finish(): void;
}

/** Blocking-key pairs staged per INSERT statement during an import. */
const KEY_BATCH = 200;

/** The embedded default connector: one SQLite file in WAL mode (DESIGN: Storage). */
export class SqliteConnector implements Connector {
  readonly db: Database.Database;
  readonly #stmts;
  #closed = false;
  /** Candidates by rowid and term counts by dataset/field/value, valid while `#version` holds. */
  readonly #records: Cache<number, Candidate | null>;
  readonly #terms: Cache<string, number>;
  /** Record ids behind a hashed blocking key (at most the limit asked + 1), by key and limit. */
  readonly #keys: Cache<string, number[]>;
  #described: ConnectorDescription | undefined;
  #version = -1;

  constructor(path: string, options: SqliteOptions = {}) {
    try {
      this.db = new Database(path, { readonly: options.readonly ?? false });
      if (!options.readonly) {
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = NORMAL');
        this.db.exec(SCHEMA);
      }
      this.db.pragma('cache_size = -16384');
    } catch (cause) {
      throw new MosaicError('MOSAIC_ERR_CONNECTOR_UNAVAILABLE', { detail: String(cause), cause });
    }
    const db = this.db;
    this.#stmts = {
      datasets: db.prepare('SELECT name, settings, records, kinds, fields FROM datasets ORDER BY name'),
      key: db.prepare('SELECT rid FROM bkeys WHERE k = ? LIMIT ?').pluck(),
      byRid: db.prepare('SELECT dataset, id, kind, features FROM records WHERE rid = ?'),
      byId: db.prepare('SELECT rid, body, features FROM records WHERE dataset = ? AND id = ?'),
      tf: db.prepare('SELECT n FROM tf WHERE dataset = ? AND field = ? AND value = ?').pluck(),
      fanout: db.prepare('SELECT COUNT(*) FROM (SELECT 1 FROM bkeys WHERE k = ? LIMIT 10000)').pluck(),
      countKeys: db
        .prepare('SELECT COUNT(*) FROM bkeys WHERE rid IN (SELECT rid FROM records WHERE dataset = ?)')
        .pluck(),
      countTf: db.prepare('SELECT COUNT(*) FROM tf WHERE dataset = ?').pluck(),
      version: db.prepare('PRAGMA data_version').pluck(),
    };
    const cached = options.cacheRecords ?? 200_000;
    this.#records = new Cache(cached);
    this.#terms = new Cache(cached);
    // A common given name's key for a birth year (`gy`) is looked up by many queries; its ids are cheap to
    // keep (a few hundred bytes) and a lookup costs more than scoring a candidate.
    this.#keys = new Cache(Math.ceil(cached / 10));
  }

  /**
   * Drop the caches if the file changed since they were filled. `data_version` moves on every commit by
   * another connection; this connection's own writes go through `writer`/`transaction`, which drop them too.
   */
  #fresh(): void {
    const v = this.#stmts.version.get() as number;
    if (v !== this.#version) {
      this.#invalidate();
      this.#version = v;
    }
  }

  #invalidate(): void {
    this.#records.clear();
    this.#terms.clear();
    this.#keys.clear();
    this.#described = undefined;
  }

  /** Entries held by the candidate cache (for tests and metrics). */
  get cachedRecords(): number {
    return this.#records.size;
  }

  async describe(): Promise<ConnectorDescription> {
    this.#fresh();
    return this.#description();
  }

  /** The cached description (call `#fresh` first). */
  #description(): ConnectorDescription {
    this.#described ??= this.#describe();
    return this.#described;
  }

  #describe(): ConnectorDescription {
    const rows = this.#stmts.datasets.all() as {
      name: string;
      settings: string;
      records: number;
      kinds: string;
      fields: string;
    }[];
    return {
      connector: 'sqlite',
      datasets: rows.map((r) => {
        const settings = JSON.parse(r.settings) as DatasetSettings;
        return {
          name: r.name,
          records: r.records,
          kinds: JSON.parse(r.kinds) as EntityKind[],
          fields: JSON.parse(r.fields) as string[],
          ...(settings.defaultRegion === undefined ? {} : { defaultRegion: settings.defaultRegion }),
        };
      }),
    };
  }

  #total(dataset: string): number {
    const d = this.#description().datasets.find((x) => x.name === dataset);
    if (d === undefined) throw new MosaicError('MOSAIC_ERR_CONNECTOR_UNKNOWN_DATASET', { detail: dataset });
    return d.records;
  }

  /** The candidate stored under `rid`, parsed once and then served from the cache (null: no such row). */
  #candidate(rid: number): Candidate | null {
    const hit = this.#records.get(rid);
    if (hit !== undefined) return hit;
    const row = this.#stmts.byRid.get(rid) as
      | { dataset: string; id: string; kind: EntityKind; features: string }
      | undefined;
    const c =
      row === undefined
        ? null
        : Object.freeze({
            ref: Object.freeze({ dataset: row.dataset, id: row.id }),
            kind: row.kind,
            features: JSON.parse(row.features) as Features,
          });
    this.#records.set(rid, c);
    return c;
  }

  async candidates(query: CandidateQuery, limits: CandidateLimits = DEFAULT_LIMITS): Promise<CandidateSet> {
    this.#fresh();
    const total = this.#total(query.dataset);
    const prefix = `${query.dataset}\u0000`;
    const r = retrieve(
      blockingKeys(query.features, 'query'),
      (k, limit) => {
        const h = hashKey(prefix + k);
        const ck = `${h}:${limit}`;
        let ids = this.#keys.get(ck);
        if (ids === undefined) {
          ids = this.#stmts.key.all(h, limit) as number[];
          this.#keys.set(ck, ids);
        }
        return ids;
      },
      limits,
    );
    const candidates: Candidate[] = [];
    for (const rid of r.ids) {
      const c = this.#candidate(rid);
      // A hash collision across datasets is possible in principle; the dataset check drops it.
      if (c === null || c.ref.dataset !== query.dataset) continue;
      candidates.push(c);
    }
    const terms = this.#terms;
    const stmt = this.#stmts.tf;
    const fanout = this.#stmts.fanout;
    const tf: TermFrequencies = {
      total,
      count(field, value) {
        const k = `${prefix}${field}\u0000${value}`;
        let n = terms.get(k);
        if (n === undefined) {
          const keyPrefix = Object.hasOwn(IDENTIFIER_KEYS, field) ? IDENTIFIER_KEYS[field] : undefined;
          n =
            keyPrefix === undefined
              ? ((stmt.get(query.dataset, field, value) as number | undefined) ?? 0)
              : (fanout.get(hashKey(`${prefix}${keyPrefix}:${value}`)) as number);
          terms.set(k, n);
        }
        return n;
      },
    };
    return { dataset: query.dataset, candidates, tf, keysUsed: r.keysUsed, keysSkipped: r.keysSkipped };
  }

  async get(ref: RecordRef): Promise<StoredRecord> {
    const row = this.#stmts.byId.get(ref.dataset, ref.id) as { body: string; features: string } | undefined;
    if (row === undefined) throw new MosaicError('MOSAIC_ERR_CONNECTOR_NOT_FOUND');
    let features: Features | undefined;
    return {
      dataset: ref.dataset,
      record: JSON.parse(row.body) as EntityRecord,
      // Parsed on first use: the match step reads only the record of each hit.
      get features(): Features {
        features ??= JSON.parse(row.features) as Features;
        return features;
      },
    };
  }

  async stats(): Promise<ConnectorStats> {
    const rows = this.#stmts.datasets.all() as { name: string; records: number }[];
    return {
      datasets: rows.map((r) => ({
        name: r.name,
        records: r.records,
        blockingKeys: this.#stmts.countKeys.get(r.name) as number,
        termValues: this.#stmts.countTf.get(r.name) as number,
      })),
    };
  }

  /** Run `fn` in one SQLite transaction: everything it wrote is rolled back if it throws. */
  transaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } finally {
      this.#invalidate();
    }
  }

  /** Settings of a dataset (default phone region, date order), creating the dataset if needed. */
  writer(dataset: string, settings: DatasetSettings = {}): DatasetWriter {
    const db = this.db;
    this.#invalidate();
    db.prepare(
      'INSERT INTO datasets (name, settings) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET settings = excluded.settings',
    ).run(dataset, JSON.stringify(settings));
    const find = db.prepare('SELECT rid, body, features FROM records WHERE dataset = ? AND id = ?');
    // Insert first: a fresh id (the common case in a bulk import) costs one statement, not a lookup and an
    // insert; only when the id exists is the old row read.
    const insert = db.prepare(
      'INSERT INTO records (dataset, id, kind, body, features) VALUES (?, ?, ?, ?, ?) ON CONFLICT (dataset, id) DO NOTHING',
    );
    const update = db.prepare('UPDATE records SET kind = ?, body = ?, features = ? WHERE rid = ?');
    // Bulk-load trick: keys go to an unindexed staging table and enter the index sorted, in finish().
    // Random inserts into a 10-million-row B-tree thrash the page cache; a sorted append does not.
    db.exec('CREATE TEMP TABLE IF NOT EXISTS stage_keys (k INTEGER NOT NULL, rid INTEGER NOT NULL)');
    const addKey = db.prepare('INSERT INTO temp.stage_keys (k, rid) VALUES (?, ?)');
    // Keys are staged KEY_BATCH pairs per statement: one statement run per record's nine-odd keys would
    // cost more in statement overhead than the rows themselves.
    const addKeys = db.prepare(
      `INSERT INTO temp.stage_keys (k, rid) VALUES ${Array.from({ length: KEY_BATCH }, () => '(?, ?)').join(', ')}`,
    );
    const pending: number[] = [];
    const stageKey = (k: number, rid: number) => {
      pending.push(k, rid);
      if (pending.length === KEY_BATCH * 2) {
        addKeys.run(pending);
        pending.length = 0;
      }
    };
    const stagePending = () => {
      for (let i = 0; i < pending.length; i += 2) addKey.run(pending[i], pending[i + 1]);
      pending.length = 0;
    };
    const flushKeys = db.prepare(
      'INSERT OR IGNORE INTO bkeys (k, rid) SELECT k, rid FROM temp.stage_keys ORDER BY k, rid',
    );
    const clearKeys = db.prepare('DELETE FROM temp.stage_keys');
    const delKey = db.prepare('DELETE FROM bkeys WHERE k = ? AND rid = ?');
    const tfClean = db.prepare('DELETE FROM tf WHERE dataset = ? AND n <= 0');
    const bump = db.prepare(
      'UPDATE datasets SET records = records + ?, kinds = ?, fields = ? WHERE name = ?',
    );
    const meta = db.prepare('SELECT kinds, fields FROM datasets WHERE name = ?').get(dataset) as {
      kinds: string;
      fields: string;
    };
    const kinds = new Set<string>(JSON.parse(meta.kinds) as string[]);
    const fields = new Set<string>(JSON.parse(meta.fields) as string[]);
    // Rows this writer inserted have rid ≥ firstNew; an update of one of those is a duplicate id in the
    // same import, detected without holding every id in memory.
    const firstNew = ((db.prepare('SELECT MAX(rid) FROM records').pluck().get() as number | null) ?? 0) + 1;
    const touched = new Set<number>();
    const prepareOpts = {
      ...(settings.defaultRegion === undefined ? {} : { defaultRegion: settings.defaultRegion }),
      ...(settings.dateOrder === undefined ? {} : { dateOrder: settings.dateOrder }),
    };
    const tfDelta = new Map<string, number>();
    let added = 0;
    // Term counts aggregate in memory, spill to an unindexed staging table, and merge into `tf` once,
    // sorted: a million unique phones would otherwise be a million random B-tree upserts.
    db.exec(
      'CREATE TEMP TABLE IF NOT EXISTS stage_tf (field TEXT NOT NULL, value TEXT NOT NULL, n INTEGER NOT NULL)',
    );
    const stageTf = db.prepare('INSERT INTO temp.stage_tf (field, value, n) VALUES (?, ?, ?)');
    const mergeTf = db.prepare(
      `INSERT INTO tf (dataset, field, value, n)
       SELECT ?, field, value, SUM(n) FROM temp.stage_tf GROUP BY field, value ORDER BY field, value
       ON CONFLICT (dataset, field, value) DO UPDATE SET n = n + excluded.n`,
    );
    const clearTf = db.prepare('DELETE FROM temp.stage_tf');
    const flushTerms = () => {
      for (const [k, n] of tfDelta) {
        if (n === 0) continue;
        const i = k.indexOf('\u0000');
        stageTf.run(k.slice(0, i), k.slice(i + 1), n);
      }
      tfDelta.clear();
    };
    const addTerm = (k: string, d: number) => {
      tfDelta.set(k, (tfDelta.get(k) ?? 0) + d);
      // Bound memory on big imports: most values (phones, ids) are unique, so the map would hold them all.
      if (tfDelta.size > 50_000) flushTerms();
    };
    const countTerms = (f: Features, d: number) => {
      for (const k of termKeys(f)) addTerm(k, d);
    };
    const store = (
      record: EntityRecord,
      body: string,
      features: string,
      keys: ArrayLike<number>,
      from: number,
      to: number,
    ): Outcome => {
      let rid: number;
      const ins = insert.run(dataset, record.id, record.kind, body, features);
      if (ins.changes === 1) {
        rid = Number(ins.lastInsertRowid);
        added++;
      } else {
        const old = find.get(dataset, record.id) as { rid: number; body: string; features: string };
        if (old.body === body) return 'unchanged';
        if (old.rid >= firstNew || touched.has(old.rid)) return 'conflict';
        rid = old.rid;
        touched.add(rid);
        const oldF = JSON.parse(old.features) as Features;
        for (const k of hashedKeys(dataset, oldF)) delKey.run(k, rid);
        countTerms(oldF, -1);
        update.run(record.kind, body, features, rid);
      }
      kinds.add(record.kind);
      for (const a in record.attributes) fields.add(a);
      for (let i = from; i < to; i++) stageKey(keys[i]!, rid);
      return ins.changes === 1 ? 'inserted' : 'updated';
    };
    const upsertBatch = (
      records: readonly EntityRecord[],
      p: PreparedBatch,
      rows: readonly number[],
    ): Outcome[] => {
      for (const [k, n] of p.terms) addTerm(k, n);
      const uncount = (i: number) => countTerms(JSON.parse(p.features[i]!) as Features, -1);
      const outcomes: Outcome[] = [];
      let i = 0;
      for (const size of rows) {
        const end = i + size;
        for (let first = i; i < end; i++) {
          const conflicted = i > first && outcomes[outcomes.length - 1] === 'conflict';
          const outcome = conflicted
            ? 'conflict'
            : store(
                records[i]!,
                p.bodies[i]!,
                p.features[i]!,
                p.keys,
                i === 0 ? 0 : p.ends[i - 1]!,
                p.ends[i]!,
              );
          if (i === first) outcomes.push(outcome);
          // The batch counted every record's terms; take back those of a record that was not stored.
          if (outcome === 'unchanged' || outcome === 'conflict') uncount(i);
        }
      }
      return outcomes;
    };
    return {
      upsert(record: EntityRecord): Outcome {
        return upsertBatch([record], prepareBatch(dataset, [record], prepareOpts), [1])[0]!;
      },
      upsertBatch,
      finish: (): void => {
        this.#invalidate();
        flushTerms();
        mergeTf.run(dataset);
        clearTf.run();
        stagePending();
        flushKeys.run();
        clearKeys.run();
        tfClean.run(dataset);
        bump.run(added, JSON.stringify([...kinds].sort()), JSON.stringify([...fields].sort()), dataset);
        added = 0;
      },
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.db.close();
  }
}

/** Open (and create if needed) the SQLite connector at `path` (`:memory:` for tests). */
export function openSqliteConnector(path: string, options: SqliteOptions = {}): SqliteConnector {
  return new SqliteConnector(path, options);
}
