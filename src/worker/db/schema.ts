import type { Database } from '@sqlite.org/sqlite-wasm';

// Numbered migrations keyed on PRAGMA user_version. A migration only adds; none drops or rewrites rows.
// Migration 1 is the seed's table and indexes exactly (sync_queue.py, §7.1.1).
const MIGRATIONS: readonly (readonly Step[])[] = [
  [
    `CREATE TABLE IF NOT EXISTS jobs (
      id TEXT PRIMARY KEY,
      run_path TEXT NOT NULL UNIQUE,
      equipment_id TEXT NOT NULL,
      state TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_attempt_at TEXT,
      next_attempt_at TEXT,
      last_error TEXT,
      verify_passes INTEGER NOT NULL DEFAULT 0,
      verified_at TEXT,
      enqueued_at TEXT NOT NULL,
      nas_path TEXT
    )`,
    'CREATE INDEX IF NOT EXISTS idx_jobs_state ON jobs(state)',
    'CREATE INDEX IF NOT EXISTS idx_jobs_next_attempt ON jobs(next_attempt_at)',
  ],
  // Keyset paging of the UI's list walks (enqueued_at, rowid); without this index every page sorts the table.
  ['CREATE INDEX IF NOT EXISTS idx_jobs_enqueued_at ON jobs(enqueued_at)'],
  // Beside `jobs`, never in it: a run's files (so a run resumes file by file), the worker's settings,
  // and each job's history.
  [
    `CREATE TABLE IF NOT EXISTS job_files (
      job_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      rel_path TEXT NOT NULL,
      size INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      uploaded_at TEXT,
      PRIMARY KEY (job_id, seq),
      UNIQUE (job_id, rel_path)
    )`,
    'CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
    `CREATE TABLE IF NOT EXISTS job_events (
      id INTEGER PRIMARY KEY,
      job_id TEXT NOT NULL,
      at TEXT NOT NULL,
      kind TEXT NOT NULL,
      detail TEXT
    )`,
    'CREATE INDEX IF NOT EXISTS idx_job_events_job ON job_events(job_id, id)',
  ],
  // Each job's claim on its NAS folder: the token its claim file carries (so a claim found there is
  // known to be this job's, even after a crash between the MOVE and the next write) and the folder
  // the run was planned for, where the search for a free folder starts again when the claim is released.
  [
    `CREATE TABLE IF NOT EXISTS job_claims (
      job_id TEXT PRIMARY KEY,
      token TEXT NOT NULL,
      planned_path TEXT NOT NULL,
      created_path TEXT
    )`,
    // The path a file had on the device when its NAS name had to differ (too long, unsafe characters):
    // kept for the manifest and the history. NULL when the names are the same.
    'ALTER TABLE job_files ADD COLUMN original_path TEXT',
  ],
  // The NAS (its URL as the settings named it) a run was verified on: the look before its device copy is
  // freed goes there, not to whatever NAS the settings name by then.
  ['ALTER TABLE job_claims ADD COLUMN verified_on TEXT'],
  // Runs verified before migration 5 have no verified_on, so their look went to whatever NAS the settings
  // named by then: moved to another folder, it found no claim there and failed a run whole where it went.
  // The NAS the saved settings name now (JSON text) is where the app before this looked: it is filled in.
  // A saved value that is no JSON string is left alone: json_extract of it would throw, and a migration
  // that throws keeps the database from opening at all.
  [
    `UPDATE job_claims SET verified_on = (
        SELECT CASE WHEN json_valid(value) THEN CASE WHEN json_type(value) = 'text' THEN json_extract(value, '$') END END
        FROM settings WHERE key = 'nasUrl')
      WHERE verified_on IS NULL AND job_id IN (SELECT id FROM jobs WHERE state IN ('verified', 'cleanup_eligible'))`,
  ],
  // The last copy of the NAS's devices folder this device read, for the Lab view while the NAS is away.
  ['CREATE TABLE IF NOT EXISTS lab_cache (id INTEGER PRIMARY KEY CHECK (id = 1), read_at TEXT NOT NULL, entries TEXT NOT NULL)'],
  // The SHA-256 of each piece of a big file (hash/chunkDigests.ts), taken at intake: its read-back from
  // the NAS is checked piece by piece with the CPU's SHA instructions. No row for a small file or for a
  // run taken in before this: those are read back against the whole-file SHA-256 in job_files.
  [
    `CREATE TABLE IF NOT EXISTS job_file_chunks (
      job_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      chunk_bytes INTEGER NOT NULL,
      digests BLOB NOT NULL,
      PRIMARY KEY (job_id, seq)
    )`,
  ],
  // Where a small file starts in its run's pack on the device (files/runPack.ts); NULL for a file kept as
  // f<seq> of its own: a big file, and every file of a run taken in before this.
  [addColumnOnce('job_files', 'pack_offset', 'INTEGER')],
];

/** SQL, or what SQL alone cannot say (a column added only when it is not there yet). */
type Step = string | ((db: Database) => void);

/**
 * ALTER TABLE ADD COLUMN, skipped when the column is there: a migration run again over a database that
 * has it (a device whose user_version was set back, as the migration tests do) must not stop it opening.
 */
function addColumnOnce(table: string, column: string, type: string): Step {
  return (db) => {
    const has = db.selectValues(`SELECT name FROM pragma_table_info('${table}') WHERE name = ?`, [column]);
    if (!has.length) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  };
}

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Bring the database up to SCHEMA_VERSION, one transaction per migration; rows are kept. */
export function migrate(db: Database): void {
  const current = Number(db.selectValue('PRAGMA user_version'));
  if (current > SCHEMA_VERSION) {
    throw new Error(`database schema ${current} is newer than this app (${SCHEMA_VERSION}); update the app`);
  }
  for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
    db.transaction((tx) => {
      for (const step of MIGRATIONS[version - 1]) {
        if (typeof step === 'string') tx.exec(step);
        else step(tx);
      }
      tx.exec(`PRAGMA user_version = ${version}`);
    });
  }
}
