import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MosaicError, type Issue } from '../../contracts/errors/mosaic-error.js';
import { validateEntityRecord } from '../../contracts/schemas/entity.js';
import type { SqliteConnector } from '../sqlite/connector.js';
import { CsvParser, type CsvRow } from './csv.js';
import { buildRecord, type Mapping } from './mapping.js';
import { BatchPreparer } from './batch-preparer.js';
import type { EntityRecord } from '../../contracts/schemas/entity.js';

export interface ImportOptions {
  db: SqliteConnector;
  file: string;
  dataset: string;
  mapping: Mapping;
  /** Skip bad rows (reported) instead of rejecting the whole import. */
  skipInvalid?: boolean;
  /** `csv` or `jsonl`; by file extension when absent (`.jsonl`, `.ndjson` → jsonl). */
  format?: 'csv' | 'jsonl';
  /**
   * Worker threads preparing rows (normalising, keying, encoding) beside the importing one, which writes:
   * by default one per core beyond the importing thread's for files of 4 MiB and more, else 0 (the
   * importing thread prepares them too). The stored result is the same either way.
   */
  workers?: number;
  /** Stop collecting row errors after this many (the import fails or skips all the same). */
  maxReportedErrors?: number;
}

export interface ImportProgress {
  rows: number;
  bytesRead: number;
  totalBytes: number;
  /** Rows per second so far; the caller owns the clock, so this uses the one passed to importFile. */
  rowsPerSecond: number;
  done: boolean;
}

export interface RowError {
  line: number;
  message: string;
}

export interface ImportReport {
  dataset: string;
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** Linked entities derived from rows (phones, addresses …), counted once per row. */
  derived: number;
  errors: RowError[];
  /** Worker threads that prepared the rows (0: the importing thread did). */
  workers: number;
}

const CHUNK = 1 << 20;
/** A source row in a run: its line, how many records it became (itself and its linked entities), its id. */
interface RunRow {
  line: number;
  size: number;
  id: string;
}

/** Rows per run handed to the preparer. */
const RUN = 1000;
/** Files smaller than this are prepared in the importing thread (a worker's start-up is not worth it). */
const THREAD_MIN_BYTES = 4 << 20;

/**
 * Import a CSV or JSON Lines file into a dataset in ONE transaction: either every valid row is in, or
 * nothing is (a bad row rejects the import unless `skipInvalid`; any other failure rolls back too).
 * Re-importing the same file changes nothing: records are keyed by id and an identical body is skipped.
 * `onProgress` is called about every 2,000 rows and at the end; `now` (ms) lets the caller supply a clock.
 */
export function importFile(
  options: ImportOptions,
  onProgress?: (p: ImportProgress) => void,
  now: () => number = () => performance.now(),
): ImportReport {
  const { db, file, dataset, mapping } = options;
  if (!/^[a-z][a-z0-9._-]{0,63}$/.test(dataset)) throw new TypeError(`bad dataset name: ${dataset}`);
  const format = options.format ?? (/\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : 'csv');
  const maxErrors = options.maxReportedErrors ?? 1000;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (cause) {
    throw new MosaicError('MOSAIC_ERR_IMPORT_FILE_UNREADABLE', { detail: String(cause), cause });
  }
  const report: ImportReport = {
    dataset,
    rows: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    derived: 0,
    errors: [],
    workers: 0,
  };
  const start = now();
  let closePreparer = () => {};
  try {
    const totalBytes = fstatSync(fd).size;
    let bytesRead = 0;
    const progress = (done: boolean) => {
      const secs = (now() - start) / 1000;
      onProgress?.({
        rows: report.rows,
        bytesRead,
        totalBytes,
        rowsPerSecond: secs > 0 ? report.rows / secs : 0,
        done,
      });
    };
    db.transaction(() => {
      const settings = {
        ...(mapping.defaultRegion === undefined ? {} : { defaultRegion: mapping.defaultRegion }),
        ...(mapping.dateOrder === undefined ? {} : { dateOrder: mapping.dateOrder }),
      };
      const writer = db.writer(dataset, settings);
      // Rows go to the writer in runs, prepared (normalised, keyed, encoded) ahead by the preparer, on
      // a worker thread for big files while this thread inserts the run before.
      const preparer = BatchPreparer.open<RunRow[]>(
        dataset,
        settings,
        options.workers ?? (totalBytes >= THREAD_MIN_BYTES ? undefined : 0),
      );
      closePreparer = () => preparer.close();
      report.workers = preparer.threads;
      let run: EntityRecord[] = [];
      let runRows: RunRow[] = [];
      const writeRun = () => {
        const { records, tag: rows, batch } = preparer.take();
        const outcomes = writer.upsertBatch(
          records,
          batch,
          rows.map((r) => r.size),
        );
        rows.forEach((r, i) => {
          const outcome = outcomes[i]!;
          if (outcome === 'conflict') {
            fail(r.line, `record id "${r.id.slice(0, 64)}" appears earlier in the file with other values`);
            return;
          }
          report[outcome]++;
          report.derived += r.size - 1;
        });
      };
      const sendRun = () => {
        if (runRows.length === 0) return;
        preparer.send(run, runRows);
        run = [];
        runRows = [];
        // Runs in flight: the workers prepare the newer ones while this thread writes the oldest.
        while (preparer.pending > Math.max(1, 2 * preparer.threads)) writeRun();
      };
      const fail = (line: number, message: string) => {
        report.skipped++;
        // A duplicate id is found when its run is written, up to a few runs after later rows were checked:
        // keep that many more, so that after sorting the first maxErrors by line are the ones reported.
        if (report.errors.length < maxErrors + RUN * (2 * preparer.threads + 2))
          report.errors.push({ line, message });
      };
      const handle = (line: number, row: Record<string, string>) => {
        report.rows++;
        let built: ReturnType<typeof buildRecord>;
        try {
          built = buildRecord(row, mapping);
        } catch (e) {
          fail(line, e instanceof Error ? e.message : String(e));
          return;
        }
        if (!validateEntityRecord(built.record)) {
          fail(
            line,
            validateEntityRecord
              .issues()
              .map((i) => `${i.path} ${i.message}`)
              .join('; '),
          );
          return;
        }
        run.push(built.record, ...built.derived);
        runRows.push({ line, size: 1 + built.derived.length, id: built.record.id });
        if (runRows.length >= RUN) sendRun();
        if (report.rows % 2000 === 0) progress(false);
      };

      // Fatal: a file that is not UTF-8 is refused, never stored with replacement characters.
      const decoder = new TextDecoder('utf-8', { fatal: true });
      const decode = (bytes?: Uint8Array, stream = false): string => {
        try {
          return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream });
        } catch (cause) {
          throw new MosaicError('MOSAIC_ERR_IMPORT_FILE_MALFORMED', {
            detail: 'the file is not valid UTF-8',
            cause,
          });
        }
      };
      const buf = Buffer.allocUnsafe(CHUNK);
      let header: string[] | undefined;
      const csv = new CsvParser();
      const rows: CsvRow[] = [];
      let pending = '';
      let jsonLine = 1;
      const onCsvRows = () => {
        for (const r of rows) {
          if (header === undefined) {
            header = r.cells.map((h) => h.trim());
            continue;
          }
          const obj: Record<string, string> = Object.create(null) as Record<string, string>;
          if (r.cells.length !== header.length) {
            report.rows++;
            fail(r.line, `expected ${header.length} fields, found ${r.cells.length}`);
            continue;
          }
          header.forEach((h, i) => {
            obj[h] = r.cells[i] ?? '';
          });
          handle(r.line, obj);
        }
        rows.length = 0;
      };
      const onJsonLine = (text: string) => {
        const line = jsonLine++;
        const t = text.trim();
        if (t === '') return;
        let v: unknown;
        try {
          v = JSON.parse(t);
        } catch {
          report.rows++;
          fail(line, 'not valid JSON');
          return;
        }
        if (typeof v !== 'object' || v === null || Array.isArray(v)) {
          report.rows++;
          fail(line, 'not a JSON object');
          return;
        }
        const obj: Record<string, string> = Object.create(null) as Record<string, string>;
        for (const [k, x] of Object.entries(v)) {
          if (typeof x === 'string') obj[k] = x;
          else if (typeof x === 'number' || typeof x === 'boolean') obj[k] = String(x);
        }
        handle(line, obj);
      };
      for (;;) {
        const n = readSync(fd, buf, 0, CHUNK, null);
        if (n === 0) break;
        bytesRead += n;
        const text = decode(buf.subarray(0, n), true);
        if (format === 'csv') {
          csv.push(text, rows);
          onCsvRows();
        } else {
          pending += text;
          let from = 0;
          let nl = pending.indexOf('\n');
          while (nl >= 0) {
            onJsonLine(pending.slice(from, nl));
            from = nl + 1;
            nl = pending.indexOf('\n', from);
          }
          pending = pending.slice(from);
        }
      }
      const tail = decode();
      if (format === 'csv') {
        csv.push(tail, rows);
        csv.end(rows);
        onCsvRows();
        if (header === undefined)
          throw new MosaicError('MOSAIC_ERR_IMPORT_FILE_MALFORMED', { detail: 'empty file' });
      } else {
        pending += tail;
        for (const l of pending.split('\n')) onJsonLine(l);
      }
      sendRun();
      while (preparer.pending > 0) writeRun();
      // Rows refused while being written (a duplicate id) were found after later rows' checks.
      report.errors.sort((a, b) => a.line - b.line);
      report.errors.length = Math.min(report.errors.length, maxErrors);
      if (report.skipped > 0 && options.skipInvalid !== true) {
        const issues: Issue[] = report.errors.map((e) => ({
          path: '',
          message: e.message,
          file,
          line: e.line,
        }));
        throw new MosaicError('MOSAIC_ERR_IMPORT_ROWS_INVALID', {
          detail: `${report.skipped} invalid rows`,
          issues,
        });
      }
      writer.finish();
    });
    progress(true);
  } finally {
    closePreparer();
    closeSync(fd);
  }
  return report;
}
