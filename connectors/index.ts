/**
 * connectors/: the data-source port, its adapters, file import and screening.
 *
 * How the gateway uses it:
 *
 * ```ts
 * const connector = openSqliteConnector(join(dataDir, 'data.db'));          // once, at start-up
 * // peer pipeline, match step (subject already schema-checked):
 * const { hits } = await matchQuery(connector, claims.subject, {
 *   datasets: ['cases'], maxHits: rule.maxHits, minScore: rule.minScore,
 *   recordFilter: (record) => policyAllows(record.meta),   // applied before maxHits
 * });
 * // each hit: ref {dataset, id}, score (0–1), weight, band, matchKey, evidence[], record (attributes,
 * // meta {recordedAt, sensitivity, flags}, links). Apply the field release plan to hit.record; wrap
 * // hit.ref in an opaque reference for step 2. Bad subjects throw MOSAIC_ERR_MATCH_*; an unknown dataset
 * // MOSAIC_ERR_CONNECTOR_UNKNOWN_DATASET.
 * const full = await connector.get(ref);                                      // step 2 disclosure
 * // `mosaic import` (dataset names match ^[a-z][a-z0-9._-]{0,63}$; check before calling, else TypeError):
 * const report = importFile({ db: connector, file, dataset, mapping: parseMapping(yamlText, mapPath), skipInvalid },
 *   (p) => drawBar(p.bytesRead / p.totalBytes, p.rowsPerSecond));   // synchronous, one transaction
 * // report.errors: [{line, message}] for skipped rows; without skipInvalid, bad rows throw
 * // MOSAIC_ERR_IMPORT_ROWS_INVALID whose `issues` carry file and line, and nothing is written.
 * // `mosaic screen`:
 * await screenFile({ connector, input, mapping, output, match: { datasets: [dataset] } });
 * ```
 *
 * Errors are MosaicErrors: MOSAIC_ERR_MATCH_*, MOSAIC_ERR_CONNECTOR_*, MOSAIC_ERR_IMPORT_* (docs/errors.md).
 */
export type {
  Candidate,
  CandidateQuery,
  CandidateSet,
  Connector,
  ConnectorDescription,
  ConnectorStats,
  DatasetInfo,
  DatasetSettings,
  RecordRef,
  StoredRecord,
} from './port.js';
export {
  type DatasetWriter,
  openSqliteConnector,
  SqliteConnector,
  type SqliteOptions,
} from './sqlite/connector.js';
export { MemoryConnector } from './memory/connector.js';
export {
  type MatchHit,
  type MatchOptions,
  type MatchResult,
  matchFeatures,
  matchQuery,
  subjectFeatures,
} from './match.js';
export { CsvParser, type CsvRow, csvCell, parseCsv } from './import/csv.js';
export { buildRecord, type BuiltRow, type Mapping, mappingSchema, parseMapping } from './import/mapping.js';
export {
  type ImportOptions,
  type ImportProgress,
  type ImportReport,
  importFile,
  type RowError,
} from './import/import.js';
export { type ScreenOptions, type ScreenReport, screenFile } from './screen/screen.js';
