import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { MosaicError } from '../../contracts/index.js';

export const ROLES = ['analyst', 'disclosure-officer', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** Pseudonymous id sent to peers as `requester.id`: never the user's name. */
  readonly pseudonym: string;
}

const TOKEN_PREFIX = 'mosaic_';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Local users and their API tokens. Only the SHA-256 of a token is stored: a copy of the database does not
 * yield usable tokens. Tokens carry 256 random bits, so a fast hash is enough (no password stretching needed).
 */
export class UserStore {
  readonly #db: Database.Database;
  readonly #byHash: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.#db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS users (
      id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL, pseudonym TEXT NOT NULL UNIQUE,
      token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0)`);
    this.#byHash = db.prepare(
      'SELECT id, name, role, pseudonym FROM users WHERE token_hash = ? AND disabled = 0',
    );
  }

  /** Create a user; the token is returned once and never stored. */
  add(name: string, role: Role, now: Date): { user: User; token: string } {
    if (!/^[A-Za-z0-9._@-]{2,64}$/.test(name)) {
      throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: 'user names are 2-64 of A-Z a-z 0-9 . _ @ -' });
    }
    if (!ROLES.includes(role))
      throw new MosaicError('MOSAIC_ERR_CLI_USAGE', { detail: `role must be ${ROLES.join('|')}` });
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const user: User = { id: randomUUID(), name, role, pseudonym: `u-${randomBytes(8).toString('hex')}` };
    try {
      this.#db
        .prepare(
          'INSERT INTO users (id, name, role, pseudonym, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(user.id, name, role, user.pseudonym, hashToken(token), now.toISOString());
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new MosaicError('MOSAIC_ERR_USER_EXISTS', { detail: name });
      }
      throw err;
    }
    return { user, token };
  }

  authenticate(token: string): User | undefined {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 128) return undefined;
    return this.#byHash.get(hashToken(token)) as User | undefined;
  }

  list(): User[] {
    return this.#db
      .prepare('SELECT id, name, role, pseudonym FROM users WHERE disabled = 0 ORDER BY name')
      .all() as User[];
  }

  disable(name: string): boolean {
    return this.#db.prepare('UPDATE users SET disabled = 1 WHERE name = ?').run(name).changes === 1;
  }
}
