/**
 * SQLite tables of the ledger. `leaves` holds exactly the leaf data (RFC 8785 text of the committed event) and
 * nothing else, so the full verifier streams the fewest pages; `entries` holds the leaf hash (the proof tree is
 * rebuilt from it at open) and copies of event fields for indexed auditor queries; the leaf text is the
 * authority. Leaves are never updated or deleted; bodies may be deleted (retention) without touching the tree
 * because leaves commit to `bodyDigest`, not to the body.
 */
export const LEDGER_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS leaves (
  idx INTEGER PRIMARY KEY,
  event TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS entries (
  idx INTEGER PRIMARY KEY,
  leaf_hash BLOB NOT NULL,
  time TEXT NOT NULL,
  kind TEXT NOT NULL,
  direction TEXT NOT NULL,
  peer TEXT,
  jti TEXT,
  purpose TEXT,
  case_ref TEXT,
  officer TEXT NOT NULL,
  effect TEXT,
  outcome TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS entries_time ON entries (time);
CREATE INDEX IF NOT EXISTS entries_peer ON entries (peer, idx);
CREATE INDEX IF NOT EXISTS entries_jti ON entries (jti);
CREATE INDEX IF NOT EXISTS entries_case ON entries (case_ref, idx);
CREATE INDEX IF NOT EXISTS entries_officer ON entries (officer, idx);
CREATE TABLE IF NOT EXISTS bodies (
  idx INTEGER PRIMARY KEY,
  time TEXT NOT NULL,
  body TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS bodies_time ON bodies (time);
CREATE TABLE IF NOT EXISTS checkpoints (
  size INTEGER PRIMARY KEY,
  root BLOB NOT NULL,
  note TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS cosignatures (
  size INTEGER NOT NULL,
  witness TEXT NOT NULL,
  key_id INTEGER NOT NULL,
  line TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  PRIMARY KEY (size, witness, key_id)
) STRICT;
CREATE TABLE IF NOT EXISTS witness_state (
  origin TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  root BLOB NOT NULL,
  note TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS witness_conflicts (
  id INTEGER PRIMARY KEY,
  origin TEXT NOT NULL,
  size INTEGER NOT NULL,
  note_a TEXT NOT NULL,
  note_b TEXT NOT NULL,
  detected_at INTEGER NOT NULL
) STRICT;
`;
