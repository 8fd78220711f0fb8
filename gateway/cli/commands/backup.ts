import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { MosaicError } from '../../../contracts/index.js';
import { loadNodeConfig } from '../../config/load.js';
import { type Command, str } from '../command.js';

const DB_SUFFIX = /\.db(-wal|-shm|-journal)?$/;

/**
 * `mosaic node backup`: a consistent copy of a node, while it runs. Every SQLite file (node state, audit
 * ledger, data) is copied with SQLite's online backup API, so a write in progress is either wholly in the
 * copy or not at all; everything else in the node directory (configuration, keys, certificates, trust files,
 * policies) is copied as is, keeping modes. The backup directory is itself a node directory: restoring is
 * copying it back (or pointing `mosaic node start` at it).
 */
export const nodeBackup: Command = {
  path: ['node', 'backup'],
  summary:
    'Back up a running node: SQLite stores through the online backup API, plus its configuration, keys, ' +
    'certificates and policies. The result is a node directory; restore by copying it back.',
  options: {
    config: { type: 'string', description: 'path to mosaic.yaml', required: true },
    out: { type: 'string', description: 'backup directory to create (must not exist)', required: true },
  },
  async run(args, io) {
    const configPath = resolve(str(args, 'config'));
    const config = loadNodeConfig(configPath);
    const nodeDir = dirname(configPath);
    const out = resolve(str(args, 'out'));
    if (existsSync(out)) throw new MosaicError('MOSAIC_ERR_CLI_EXISTS', { detail: out });
    if (!config.dataDir.startsWith(nodeDir) || (config.data && !config.data.path.startsWith(nodeDir))) {
      throw new MosaicError('MOSAIC_ERR_CLI_USAGE', {
        detail:
          'node backup expects dataDir and data.path inside the node directory (the layout node init writes)',
      });
    }
    cpSync(nodeDir, out, {
      recursive: true,
      preserveTimestamps: true,
      filter: (src) => !DB_SUFFIX.test(basename(src)),
    });
    const databases = [...findDatabases(config.dataDir), ...(config.data ? [config.data.path] : [])];
    for (const file of new Set(databases)) {
      if (!existsSync(file)) continue;
      const target = join(out, relative(nodeDir, file));
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        await db.backup(target);
      } finally {
        db.close();
      }
      io.out(`backed up ${relative(nodeDir, file)}`);
    }
    io.out(`node ${config.agency.id} backed up to ${out}`);
    return 0;
  },
};

function findDatabases(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? findDatabases(join(dir, e.name)) : e.name.endsWith('.db') ? [join(dir, e.name)] : [],
  );
}
