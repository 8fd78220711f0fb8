import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { MosaicError } from '../../contracts/errors/mosaic-error.js';
import { prepareFeatures } from '../../matching/index.js';
import { parseCsv, csvCell } from '../import/csv.js';
import { buildRecord, type Mapping } from '../import/mapping.js';
import { type MatchOptions, matchFeatures } from '../match.js';
import type { Connector } from '../port.js';

export interface ScreenOptions {
  connector: Connector;
  /** CSV list to check (a passenger manifest, workers found at a site). */
  input: string;
  mapping: Mapping;
  /** CSV written with one line per (input row, matching record). */
  output: string;
  match?: MatchOptions;
}

export interface ScreenReport {
  rows: number;
  rowsWithHits: number;
  hits: number;
  errors: { line: number; message: string }[];
}

const HEADER = [
  'input_line',
  'input_id',
  'dataset',
  'record_id',
  'score',
  'weight',
  'band',
  'match_key',
  'evidence',
];

/**
 * Check every row of a list against the connector's datasets, with the same matching as matchQuery, and
 * write MATCHES.csv: score, band and per-field evidence (`field:level:weight;…`). Rows that cannot be read
 * are reported, not fatal: a screening run should check every readable row.
 */
export async function screenFile(options: ScreenOptions): Promise<ScreenReport> {
  let text: string;
  try {
    text = readFileSync(options.input, 'utf8');
  } catch (cause) {
    throw new MosaicError('MOSAIC_ERR_IMPORT_FILE_UNREADABLE', { detail: String(cause), cause });
  }
  const rows = parseCsv(text);
  const head = rows.shift()?.cells.map((h) => h.trim());
  if (head === undefined) throw new MosaicError('MOSAIC_ERR_IMPORT_FILE_MALFORMED', { detail: 'empty file' });
  const report: ScreenReport = { rows: 0, rowsWithHits: 0, hits: 0, errors: [] };
  const fd = openSync(options.output, 'w');
  try {
    writeSync(fd, `${HEADER.join(',')}\r\n`);
    for (const r of rows) {
      report.rows++;
      const obj: Record<string, string> = Object.create(null) as Record<string, string>;
      head.forEach((h, i) => {
        obj[h] = r.cells[i] ?? '';
      });
      let id: string;
      let features: ReturnType<typeof prepareFeatures>;
      try {
        const built = buildRecord(obj, options.mapping);
        id = built.record.id;
        features = prepareFeatures(built.record.kind, built.record.attributes, {
          ...(options.mapping.defaultRegion === undefined
            ? {}
            : { defaultRegion: options.mapping.defaultRegion }),
          ...(options.mapping.dateOrder === undefined ? {} : { dateOrder: options.mapping.dateOrder }),
        });
      } catch (e) {
        report.errors.push({ line: r.line, message: e instanceof Error ? e.message : String(e) });
        continue;
      }
      const result = await matchFeatures(options.connector, features, options.match ?? {});
      if (result.hits.length > 0) report.rowsWithHits++;
      for (const h of result.hits) {
        report.hits++;
        const evidence = h.evidence.map((e) => `${e.field}:${e.level}:${e.weight}`).join(';');
        const line = [r.line, id, h.ref.dataset, h.ref.id, h.score, h.weight, h.band, h.matchKey, evidence];
        writeSync(fd, `${line.map(csvCell).join(',')}\r\n`);
      }
    }
  } finally {
    closeSync(fd);
  }
  return report;
}
