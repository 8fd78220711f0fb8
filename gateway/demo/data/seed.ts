import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ImportReport,
  importFile,
  openSqliteConnector,
  parseMapping,
} from '../../../connectors/index.js';
import { AGENCY_DATA, type GenerateOptions } from './agencies.js';

/** Where a demo node keeps its data, relative to the node directory (the `data:` config points here). */
export const DEMO_DATA_FILE = 'data/records.db';
/** The generated source files and their mapping files, kept so an operator can read or re-import them. */
export const DEMO_IMPORT_DIR = 'import';

/**
 * Generate an agency's synthetic data and load it the way an operator would: one JSON Lines file and one
 * mapping file per dataset, each imported with `importFile` (the code behind `mosaic import`) into the
 * node's SQLite data file. Re-running it changes nothing (imports are idempotent by record id).
 */
export function seedAgency(nodeDir: string, agency: string, o: GenerateOptions): ImportReport[] {
  const generate = AGENCY_DATA[agency];
  if (generate === undefined) throw new TypeError(`no demo data for agency ${agency}`);
  const importDir = join(nodeDir, DEMO_IMPORT_DIR);
  mkdirSync(importDir, { recursive: true, mode: 0o700 });
  mkdirSync(join(nodeDir, 'data'), { recursive: true, mode: 0o700 });
  const db = openSqliteConnector(join(nodeDir, DEMO_DATA_FILE));
  try {
    return generate(o).map((spec) => {
      const mappingFile = join(importDir, `${spec.dataset}.mapping.yaml`);
      const file = join(importDir, `${spec.dataset}.jsonl`);
      writeFileSync(mappingFile, spec.mapping, { mode: 0o600 });
      writeFileSync(file, `${spec.rows.map((r) => JSON.stringify(r)).join('\n')}\n`, { mode: 0o600 });
      return importFile({
        db,
        file,
        dataset: spec.dataset,
        mapping: parseMapping(spec.mapping, mappingFile),
      });
    });
  } finally {
    db.close();
  }
}
