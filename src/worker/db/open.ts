import sqlite3InitModule, { type Database, type SAHPoolUtil, type Sqlite3Static } from '@sqlite.org/sqlite-wasm';

export const DB_PATH = '/sync_queue.db';
export const POOL_NAME = 'exlab-sahpool';

let sqlite3: Promise<Sqlite3Static> | null = null;

/** Load the SQLite WASM module once per worker. */
export function loadSqlite(): Promise<Sqlite3Static> {
  sqlite3 ??= sqlite3InitModule();
  return sqlite3;
}

/**
 * Install the opfs-sahpool VFS (needs no COOP/COEP, unlike the `opfs` VFS). With the defaults a failed
 * install (another tab holds the access handles) deletes the pool's directory, so both flags are set:
 * a failure leaves the files alone and a later attempt really retries.
 */
export async function installPool(name = POOL_NAME): Promise<SAHPoolUtil> {
  const s = await loadSqlite();
  return s.installOpfsSAHPoolVfs({
    name,
    directory: `.${name}`,
    initialCapacity: 8,
    preserveOnInitFailure: true,
    forceReinitIfPreviouslyFailed: true,
  } as Parameters<Sqlite3Static['installOpfsSAHPoolVfs']>[0]);
}

/**
 * Open the queue database in the pool with the settings that make a resolved write durable:
 * - locking_mode=EXCLUSIVE: one worker owns the file anyway (navigator.locks), and it is what lets WAL
 *   work without shared memory, which opfs-sahpool lacks (without it journal_mode=WAL silently stays
 *   DELETE). Every open must set it again, before journal_mode, or the WAL file cannot be opened.
 * - journal_mode=WAL: a commit appends to one file and syncs it once, about 2.3x the commits/s of DELETE
 *   measured here; a killed process leaves a WAL that the next open replays.
 * - synchronous=FULL: the WAL is synced (FileSystemSyncAccessHandle.flush) at every commit, so a commit
 *   that returned survives a power cut too; NORMAL would only sync at checkpoints.
 * - secure_delete=ON: what a write removes is overwritten with zeros, not left in free space, so a
 *   password stored in plain text by an older version is gone from the file once moved into the vault.
 */
export function openDatabase(pool: SAHPoolUtil, path = DB_PATH): Database {
  const db = new pool.OpfsSAHPoolDb(path);
  try {
    db.exec('PRAGMA locking_mode=EXCLUSIVE');
    const mode = String(db.selectValue('PRAGMA journal_mode=WAL'));
    if (mode !== 'wal') throw new Error(`journal_mode=WAL was refused (got ${mode})`);
    db.exec('PRAGMA synchronous=FULL');
    db.exec('PRAGMA secure_delete=ON');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
