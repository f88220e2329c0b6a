// Opens the embedded SQLite file the way several processes can share it: WAL journal (readers never block the
// writer), a 5 s busy timeout (writers queue instead of failing), and the schema created idempotently.
import Database from 'better-sqlite3';
import { SCHEMA_SQL } from './schema.js';

export type SqliteDatabase = Database.Database;

export const BUSY_TIMEOUT_MS = 5000;

export function openEmbeddedDatabase(file: string): SqliteDatabase {
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Switching a fresh file to WAL needs an exclusive lock for a moment; a second process opening the same
    // fresh file at that instant gets SQLITE_BUSY without waiting, hence the retry.
    retryWhileBusy(() => db.pragma('journal_mode = WAL'));
    db.pragma('synchronous = NORMAL');
    retryWhileBusy(() => db.transaction(() => db.exec(SCHEMA_SQL)).immediate());
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** Runs fn, retrying SQLITE_BUSY for up to BUSY_TIMEOUT_MS. Start-up only: it blocks the thread between tries. */
function retryWhileBusy<T>(fn: () => T): T {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return fn();
    } catch (err) {
      if (!isBusy(err) || Date.now() > deadline) throw err;
      Atomics.wait(pause, 0, 0, 20);
    }
  }
}
