// The embedded store's tables. Every row carries the account it belongs to, and every key starts with it, so
// one account's data can only be reached by naming that account. Idempotent: run on every open.
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS seeded_accounts (
  account    TEXT PRIMARY KEY,
  seeded_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS machines (
  account  TEXT    NOT NULL,
  code     INTEGER NOT NULL,
  name     TEXT    NOT NULL,
  type     TEXT    NOT NULL,
  views    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account, code)
);
CREATE TABLE IF NOT EXISTS sequences (
  account       TEXT    NOT NULL,
  code          INTEGER NOT NULL,
  machine_code  INTEGER NOT NULL,
  name          TEXT    NOT NULL,
  PRIMARY KEY (account, code)
);
CREATE INDEX IF NOT EXISTS sequences_by_machine ON sequences (account, machine_code, code);
CREATE TABLE IF NOT EXISTS levels (
  account        TEXT    NOT NULL,
  sequence_code  INTEGER NOT NULL,
  level          INTEGER NOT NULL,
  subject        TEXT    NOT NULL,
  PRIMARY KEY (account, sequence_code, level)
);
CREATE TABLE IF NOT EXISTS leads (
  code               INTEGER PRIMARY KEY AUTOINCREMENT,
  account            TEXT    NOT NULL,
  email              TEXT    NOT NULL,
  name               TEXT,
  phone              TEXT,
  company            TEXT,
  city               TEXT,
  state              TEXT,
  birthday           TEXT,
  gender             TEXT,
  score              INTEGER NOT NULL DEFAULT 0,
  tags               TEXT    NOT NULL DEFAULT '[]',
  machine_code       INTEGER NOT NULL,
  sequence_code      INTEGER,
  level              INTEGER,
  registration_date  TEXT    NOT NULL,
  UNIQUE (account, machine_code, email)
);
CREATE INDEX IF NOT EXISTS leads_by_email ON leads (account, email);
CREATE INDEX IF NOT EXISTS leads_by_sequence ON leads (account, sequence_code);
`;
