import type { Database, SqlValue } from '@sqlite.org/sqlite-wasm';
import { UnknownJobError } from '../errors';
import { SyncJobState } from '../../shared/state';
import { formatInstant } from '../../shared/time';
import { addEventRow } from './history';
import { all, one, run } from './statements';

// One row of `jobs`: its type and the statements on it that several stores run inside their own
// transactions (SyncQueue, the run intake, the bulk actions, the listing).

/** One row of `jobs`, column for column (the seed's SyncJobRow). */
export interface SyncJobRow {
  id: string;
  run_path: string;
  equipment_id: string;
  state: SyncJobState;
  attempts: number;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  last_error: string | null;
  verify_passes: number;
  verified_at: string | null;
  enqueued_at: string;
  nas_path: string | null;
}

export interface InsertArgs {
  runPath: string;
  equipmentId: string;
  nasPath?: string | null;
  jobId?: string | null;
}

/** The seed's transition keywords; null or undefined keeps the stored value (Python's None). */
export interface TransitionPatch {
  lastError?: string | null;
  incrementAttempts?: boolean;
  incrementVerifyPasses?: boolean;
  verifiedAt?: string | null;
  nextAttemptAt?: string | null;
  lastAttemptAt?: string | null;
  nasPath?: string | null;
}

/** Runs inside the call's transaction before it writes; throwing refuses the call and changes nothing. */
export type JobGuard = (current: SyncJobRow) => void;

export const JOB_COLUMNS =
  'id, run_path, equipment_id, state, attempts, last_attempt_at, next_attempt_at, last_error, verify_passes, verified_at, enqueued_at, nas_path';

export function requireJob(db: Database, jobId: string): SyncJobRow {
  const job = selectJob(db, 'WHERE id = ?', [jobId]);
  if (!job) throw new UnknownJobError(jobId);
  return job;
}

export function selectJob(db: Database, clause: string, bind: SqlValue[]): SyncJobRow | null {
  const row = one(db, `SELECT ${JOB_COLUMNS} FROM jobs ${clause}`, bind);
  return row ? toJob(row) : null;
}

export function selectJobs(db: Database, clause: string, bind: SqlValue[]): SyncJobRow[] {
  return all(db, `SELECT ${JOB_COLUMNS} FROM jobs ${clause}`, bind).map(toJob);
}

/** A new QUEUED row, enqueued at `nowMs`; the UNIQUE run_path refuses a second job for one run. */
export function insertJobRow(db: Database, args: InsertArgs, nowMs: number): SyncJobRow {
  const row: SyncJobRow = {
    id: args.jobId || crypto.randomUUID(),
    run_path: args.runPath,
    equipment_id: args.equipmentId,
    state: SyncJobState.QUEUED,
    attempts: 0,
    last_attempt_at: null,
    next_attempt_at: null,
    last_error: null,
    verify_passes: 0,
    verified_at: null,
    enqueued_at: formatInstant(nowMs),
    nas_path: args.nasPath ?? null,
  };
  run(db, `INSERT INTO jobs (${JOB_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    row.id,
    row.run_path,
    row.equipment_id,
    row.state,
    row.attempts,
    row.last_attempt_at,
    row.next_attempt_at,
    row.last_error,
    row.verify_passes,
    row.verified_at,
    row.enqueued_at,
    row.nas_path,
  ]);
  return row;
}

/** Set the state and patch the other columns in one UPDATE; throws UnknownJobError on a miss. */
export function transitionJobRow(db: Database, jobId: string, newState: SyncJobState, patch: TransitionPatch): SyncJobRow {
  const existing = requireJob(db, jobId);
  const updated: SyncJobRow = {
    ...existing,
    state: newState,
    attempts: existing.attempts + (patch.incrementAttempts ? 1 : 0),
    verify_passes: existing.verify_passes + (patch.incrementVerifyPasses ? 1 : 0),
    last_attempt_at: patch.lastAttemptAt ?? existing.last_attempt_at,
    next_attempt_at: patch.nextAttemptAt ?? existing.next_attempt_at,
    last_error: patch.lastError ?? existing.last_error,
    verified_at: patch.verifiedAt ?? existing.verified_at,
    nas_path: patch.nasPath ?? existing.nas_path,
  };
  run(
    db,
    `UPDATE jobs SET state = ?, attempts = ?, last_attempt_at = ?, next_attempt_at = ?, last_error = ?,
     verify_passes = ?, verified_at = ?, nas_path = ? WHERE id = ?`,
    [
      updated.state,
      updated.attempts,
      updated.last_attempt_at,
      updated.next_attempt_at,
      updated.last_error,
      updated.verify_passes,
      updated.verified_at,
      updated.nas_path,
      updated.id,
    ],
  );
  return updated;
}

/** Back to QUEUED with attempts, errors and timestamps cleared (verify_passes kept), and say so in the history. */
export function requeueJobRow(db: Database, jobId: string, note: string | null, nowMs: number): SyncJobRow {
  run(
    db,
    `UPDATE jobs SET state = ?, attempts = 0, last_attempt_at = NULL, next_attempt_at = NULL,
     last_error = NULL WHERE id = ?`,
    [SyncJobState.QUEUED, jobId],
  );
  addEventRow(db, jobId, 'retried', note, nowMs);
  return requireJob(db, jobId);
}

export function toJob(r: Record<string, SqlValue>): SyncJobRow {
  const text = (v: SqlValue) => (v === null || v === undefined ? null : String(v));
  return {
    id: String(r.id),
    run_path: String(r.run_path),
    equipment_id: String(r.equipment_id),
    state: String(r.state) as SyncJobState,
    attempts: Number(r.attempts ?? 0),
    last_attempt_at: text(r.last_attempt_at),
    next_attempt_at: text(r.next_attempt_at),
    last_error: text(r.last_error),
    verify_passes: Number(r.verify_passes ?? 0),
    verified_at: text(r.verified_at),
    enqueued_at: String(r.enqueued_at ?? ''),
    nas_path: text(r.nas_path),
  };
}
