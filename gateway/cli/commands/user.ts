import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MosaicError } from '../../../contracts/index.js';
import { loadNodeConfig } from '../../config/load.js';
import { ROLES, type Role, UserStore } from '../../users/store.js';
import { type Command, str } from '../command.js';

function openUsers(configPath: string): { users: UserStore; close: () => void } {
  const config = loadNodeConfig(configPath);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(config.dataDir, 'node.db'));
  db.pragma('journal_mode = WAL');
  return { users: new UserStore(db), close: () => db.close() };
}

export const userAdd: Command = {
  path: ['user', 'add'],
  summary: 'Create a local user with a role and print their API token (shown once; only its hash is stored).',
  options: {
    config: { type: 'string', description: 'path to mosaic.yaml', required: true },
    name: { type: 'string', description: 'user name', required: true },
    role: { type: 'string', description: ROLES.join(' | '), required: true },
  },
  async run(args, io) {
    const role = str(args, 'role');
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: `--role must be one of ${ROLES.join(', ')}` });
    }
    const { users, close } = openUsers(str(args, 'config'));
    try {
      const { user, token } = users.add(str(args, 'name'), role as Role, new Date(io.now()));
      io.out(`user ${user.name} (${user.role}, pseudonym ${user.pseudonym}) created`);
      io.out(`token: ${token}`);
      return 0;
    } finally {
      close();
    }
  },
};

export const userList: Command = {
  path: ['user', 'list'],
  summary: 'List the local users and their roles.',
  options: { config: { type: 'string', description: 'path to mosaic.yaml', required: true } },
  async run(args, io) {
    const { users, close } = openUsers(str(args, 'config'));
    try {
      for (const u of users.list()) io.out(`${u.name.padEnd(24)} ${u.role.padEnd(20)} ${u.pseudonym}`);
      return 0;
    } finally {
      close();
    }
  },
};

export const userDisable: Command = {
  path: ['user', 'disable'],
  summary: "Revoke a user's token.",
  options: {
    config: { type: 'string', description: 'path to mosaic.yaml', required: true },
    name: { type: 'string', description: 'user name', required: true },
  },
  async run(args, io) {
    const { users, close } = openUsers(str(args, 'config'));
    try {
      if (!users.disable(str(args, 'name'))) {
        throw new MosaicError('MOSAIC_ERR_API_NOT_FOUND', { detail: `no user ${str(args, 'name')}` });
      }
      io.out(`user ${str(args, 'name')} disabled`);
      return 0;
    } finally {
      close();
    }
  },
};
