import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MosaicError } from '../../../contracts/index.js';
import {
  type ImportProgress,
  importFile,
  openSqliteConnector,
  parseMapping,
  screenFile,
} from '../../../connectors/index.js';
import { loadNodeConfig } from '../../config/load.js';
import { readRequiredFile } from '../../keys/files.js';
import { type CliIo, type Command, str } from '../command.js';

function dataPath(configPath: string): string {
  const config = loadNodeConfig(configPath);
  if (!config.data) {
    throw new MosaicError('MOSAIC_ERR_CONFIG_INVALID', {
      issues: [
        {
          path: '/data',
          message: 'is required for data commands (data.path: the SQLite file)',
          file: configPath,
        },
      ],
    });
  }
  mkdirSync(dirname(config.data.path), { recursive: true, mode: 0o700 });
  return config.data.path;
}

/** A progress bar with rate and ETA, redrawn in place on a terminal and every 10 % otherwise. */
function progressBar(io: CliIo, label: string): (p: ImportProgress) => void {
  let lastDecile = -1;
  const tty = process.stderr.isTTY === true;
  return (p) => {
    const fraction = p.totalBytes > 0 ? p.bytesRead / p.totalBytes : 1;
    const eta =
      p.rowsPerSecond > 0 && fraction > 0 ? ((1 - fraction) * (p.rows / fraction)) / p.rowsPerSecond : 0;
    const width = 30;
    const bar = '#'.repeat(Math.round(fraction * width)).padEnd(width, '.');
    const line = `${label} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ${p.rows} rows ${Math.round(p.rowsPerSecond)}/s ETA ${eta.toFixed(0)}s`;
    if (tty) {
      process.stderr.write(`\r${line}${p.done ? '\n' : ''}`);
    } else if (Math.floor(fraction * 10) > lastDecile || p.done) {
      lastDecile = Math.floor(fraction * 10);
      io.err(line);
    }
  };
}

export const importCommand: Command = {
  path: ['import'],
  positionals: ['FILE'],
  summary:
    'Import a CSV or JSON Lines file into a dataset of the node, in one transaction: bad rows reject the ' +
    'whole import (or are skipped with --skip-invalid); re-importing the same file changes nothing.',
  options: {
    config: { type: 'string', description: 'path to mosaic.yaml', required: true },
    dataset: { type: 'string', description: 'dataset name (lower-case)', required: true },
    mapping: { type: 'string', description: 'mapping file (YAML): columns → entity model', required: true },
    'skip-invalid': {
      type: 'boolean',
      description: 'skip bad rows (listed) instead of rejecting the import',
    },
  },
  async run(args, io) {
    const mappingPath = str(args, 'mapping');
    const mapping = parseMapping(readRequiredFile(mappingPath), mappingPath);
    const connector = openSqliteConnector(dataPath(str(args, 'config')));
    try {
      const report = await importFile(
        {
          db: connector,
          file: args.positionals[0]!,
          dataset: str(args, 'dataset'),
          mapping,
          skipInvalid: args.values['skip-invalid'] === true,
        },
        progressBar(io, 'import'),
      );
      io.out(
        `${report.dataset}: ${report.rows} rows, ${report.inserted} inserted, ${report.updated} updated, ` +
          `${report.unchanged} unchanged, ${report.skipped} skipped, ${report.derived} linked entities`,
      );
      for (const e of report.errors) io.err(`  line ${e.line}: ${e.message}`);
      io.out('send SIGHUP to the running node so its policies see the new catalogue');
      return 0;
    } finally {
      connector.close();
    }
  },
};

export const screenCommand: Command = {
  path: ['screen'],
  summary:
    'Check every row of a list (a manifest, workers found at a site) against a dataset and write the ' +
    'matches with score, band and evidence. The same matching a peer query uses.',
  options: {
    config: { type: 'string', description: 'path to mosaic.yaml', required: true },
    dataset: { type: 'string', description: 'dataset to screen against', required: true },
    input: { type: 'string', description: 'CSV list to check', required: true },
    mapping: { type: 'string', description: 'mapping file for the list (YAML)', required: true },
    output: { type: 'string', description: 'CSV file to write the matches to', required: true },
  },
  async run(args, io) {
    const mappingPath = str(args, 'mapping');
    const mapping = parseMapping(readRequiredFile(mappingPath), mappingPath);
    const connector = openSqliteConnector(dataPath(str(args, 'config')));
    try {
      const report = await screenFile({
        connector,
        input: str(args, 'input'),
        mapping,
        output: str(args, 'output'),
        match: { datasets: [str(args, 'dataset')] },
      });
      io.out(
        `${report.rows} rows screened, ${report.rowsWithHits} with a match, ${report.hits} matches → ${str(args, 'output')}`,
      );
      for (const e of report.errors) io.err(`  line ${e.line}: ${e.message}`);
      return 0;
    } finally {
      connector.close();
    }
  },
};
