import type { EntityKind, EntityRecord } from '../contracts/schemas/entity.js';
import type { CandidateLimits, Features, TermFrequencies } from '../matching/index.js';

/** Where a record lives: its dataset and its id there. The gateway wraps this in an opaque hit reference. */
export interface RecordRef {
  dataset: string;
  id: string;
}

/** A record as a connector returns it: the entity plus the features computed at import. */
export interface StoredRecord {
  dataset: string;
  record: EntityRecord;
  features: Features;
}

export interface DatasetInfo {
  name: string;
  records: number;
  kinds: EntityKind[];
  /** Attribute names present in the dataset's records. */
  fields: string[];
  defaultRegion?: string;
}

export interface ConnectorDescription {
  connector: string;
  datasets: DatasetInfo[];
}

export interface CandidateQuery {
  dataset: string;
  features: Features;
}

/** A candidate as retrieval returns it: features only; the record is loaded with get() if it scores. */
export interface Candidate {
  ref: RecordRef;
  kind: EntityKind;
  features: Features;
}

export interface CandidateSet {
  dataset: string;
  candidates: Candidate[];
  /** The dataset's term frequencies, for the scorer's TF adjustment and generic-value suppression. */
  tf: TermFrequencies;
  keysUsed: number;
  keysSkipped: number;
}

export interface ConnectorStats {
  /** blockingKeys: key rows (SQLite) or distinct keys (memory); termValues: distinct counted values. */
  datasets: { name: string; records: number; blockingKeys: number; termValues: number }[];
}

/**
 * The data-source port. Every adapter (SQLite, in-memory, later PostgreSQL) passes the same contract suite
 * (test/connectors/contract.ts). Candidates come only from blocking keys, never from a scan.
 */
export interface Connector {
  describe(): Promise<ConnectorDescription>;
  candidates(query: CandidateQuery, limits?: CandidateLimits): Promise<CandidateSet>;
  /** The record behind a reference; MOSAIC_ERR_CONNECTOR_NOT_FOUND when there is none. */
  get(ref: RecordRef): Promise<StoredRecord>;
  stats(): Promise<ConnectorStats>;
  close(): void;
}

/** Settings a dataset carries for normalising its own records (from the mapping file at import). */
export interface DatasetSettings {
  defaultRegion?: string;
  dateOrder?: 'dmy' | 'mdy' | 'ymd';
}
