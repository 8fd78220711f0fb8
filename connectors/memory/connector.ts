import { MosaicError } from '../../contracts/errors/mosaic-error.js';
import { type EntityRecord, validateEntityRecord } from '../../contracts/schemas/entity.js';
import { type CandidateLimits, DEFAULT_LIMITS, MemoryIndex, prepareFeatures } from '../../matching/index.js';
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

interface Dataset {
  settings: DatasetSettings;
  index: MemoryIndex;
  records: Map<string, EntityRecord>;
}

/** Records held in memory: for tests, screening small lists, and as the contract suite's second adapter. */
export class MemoryConnector implements Connector {
  readonly #datasets = new Map<string, Dataset>();

  /** Add or replace records of a dataset; records are validated against the entity schema. */
  load(dataset: string, records: readonly EntityRecord[], settings: DatasetSettings = {}): void {
    let d = this.#datasets.get(dataset);
    if (d === undefined) {
      d = { settings, index: new MemoryIndex(), records: new Map() };
      this.#datasets.set(dataset, d);
    }
    for (const r of records) {
      if (!validateEntityRecord(r))
        throw new MosaicError('MOSAIC_ERR_CONNECTOR_RECORD_INVALID', {
          issues: validateEntityRecord.issues(),
        });
      const opts = {
        ...(d.settings.defaultRegion === undefined ? {} : { defaultRegion: d.settings.defaultRegion }),
        ...(d.settings.dateOrder === undefined ? {} : { dateOrder: d.settings.dateOrder }),
      };
      d.records.set(r.id, r);
      d.index.add(r.id, prepareFeatures(r.kind, r.attributes, opts));
    }
  }

  #dataset(name: string): Dataset {
    const d = this.#datasets.get(name);
    if (d === undefined) throw new MosaicError('MOSAIC_ERR_CONNECTOR_UNKNOWN_DATASET', { detail: name });
    return d;
  }

  async describe(): Promise<ConnectorDescription> {
    return {
      connector: 'memory',
      datasets: [...this.#datasets.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, d]) => {
          const kinds = new Set<EntityRecord['kind']>();
          const fields = new Set<string>();
          for (const r of d.records.values()) {
            kinds.add(r.kind);
            for (const f of Object.keys(r.attributes)) fields.add(f);
          }
          return {
            name,
            records: d.records.size,
            kinds: [...kinds].sort(),
            fields: [...fields].sort(),
            ...(d.settings.defaultRegion === undefined ? {} : { defaultRegion: d.settings.defaultRegion }),
          };
        }),
    };
  }

  async candidates(query: CandidateQuery, limits: CandidateLimits = DEFAULT_LIMITS): Promise<CandidateSet> {
    const d = this.#dataset(query.dataset);
    const r = d.index.candidates(query.features, limits);
    const candidates: Candidate[] = r.ids.map((id) => ({
      ref: { dataset: query.dataset, id },
      kind: d.records.get(id)!.kind,
      features: d.index.features(id)!,
    }));
    return {
      dataset: query.dataset,
      candidates,
      tf: d.index,
      keysUsed: r.keysUsed,
      keysSkipped: r.keysSkipped,
    };
  }

  async get(ref: RecordRef): Promise<StoredRecord> {
    const d = this.#datasets.get(ref.dataset);
    const record = d?.records.get(ref.id);
    if (d === undefined || record === undefined) throw new MosaicError('MOSAIC_ERR_CONNECTOR_NOT_FOUND');
    return { dataset: ref.dataset, record, features: d.index.features(ref.id)! };
  }

  async stats(): Promise<ConnectorStats> {
    return {
      datasets: [...this.#datasets.entries()].map(([name, d]) => ({
        name,
        records: d.records.size,
        blockingKeys: d.index.sizes.keys,
        termValues: d.index.sizes.termValues,
      })),
    };
  }

  close(): void {
    this.#datasets.clear();
  }
}
