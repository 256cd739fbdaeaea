import type { DeviceFacts } from '../../shared/deviceReport';
import { ALL_STATES, SyncJobState } from '../../shared/state';
import { all, one } from './statements';
import type { TransactionRunner } from './transactionRunner';

// What this device's file on the NAS says about its queue (shared/deviceReport.ts): runs and bytes per
// state, the oldest run not yet verified, the failed runs with their errors, the last error. Reads only.

export type QueueFacts = Pick<DeviceFacts, 'states' | 'lastSyncAt' | 'oldestUnsyncedAt' | 'failedTotal' | 'failedRuns' | 'lastError'>;

/** States whose runs are not (yet) safe on the NAS. */
const UNSYNCED = [SyncJobState.QUEUED, SyncJobState.RUNNING, SyncJobState.AWAITING_VERIFY, SyncJobState.FAILED];
const UNSYNCED_IN = UNSYNCED.map((s) => `'${s}'`).join(', ');

export class DeviceFactsStore {
  constructor(private readonly runner: TransactionRunner) {}

  /** The queue's facts, read in one transaction; at most `maxFailed` failed runs, newest failure first. */
  async queueFacts(maxFailed: number): Promise<QueueFacts> {
    return this.runner.read((db) => {
      const states = Object.fromEntries(ALL_STATES.map((s) => [s, { runs: 0, bytes: 0 }])) as QueueFacts['states'];
      const perState = all(
        db,
        `SELECT j.state AS state, COUNT(*) AS runs, COALESCE(SUM(f.bytes), 0) AS bytes FROM jobs j
         LEFT JOIN (SELECT job_id, SUM(size) AS bytes FROM job_files GROUP BY job_id) f ON f.job_id = j.id GROUP BY j.state`,
      );
      for (const r of perState)
        if (String(r.state) in states) states[r.state as SyncJobState] = { runs: Number(r.runs), bytes: Number(r.bytes) };
      const times = one(
        db,
        `SELECT (SELECT MAX(verified_at) FROM jobs) AS last_sync,
                (SELECT MIN(enqueued_at) FROM jobs WHERE state IN (${UNSYNCED_IN})) AS oldest`,
      );
      const failedRuns = all(
        db,
        `SELECT equipment_id, run_path, nas_path, last_error, last_attempt_at FROM jobs WHERE state = ?
         ORDER BY last_attempt_at DESC, rowid DESC LIMIT ?`,
        [SyncJobState.FAILED, maxFailed],
      ).map((r) => ({
        runName: lastSegment(String(r.nas_path ?? r.run_path)),
        equipmentId: String(r.equipment_id),
        lastError: r.last_error === null ? null : String(r.last_error),
        at: r.last_attempt_at === null ? null : String(r.last_attempt_at),
      }));
      // A run still waiting or failed carries the last error that matters; a verified one's is history.
      const last = one(
        db,
        `SELECT last_error, last_attempt_at FROM jobs WHERE last_error IS NOT NULL AND state IN ('${SyncJobState.QUEUED}', '${SyncJobState.FAILED}')
         ORDER BY last_attempt_at DESC, rowid DESC LIMIT 1`,
      );
      return {
        states,
        lastSyncAt: times?.last_sync == null ? null : String(times.last_sync),
        oldestUnsyncedAt: times?.oldest == null ? null : String(times.oldest),
        failedTotal: states.failed.runs,
        failedRuns,
        lastError: last
          ? { message: String(last.last_error), at: last.last_attempt_at == null ? null : String(last.last_attempt_at) }
          : null,
      };
    });
  }
}

const lastSegment = (path: string) => path.split('/').filter(Boolean).pop() ?? path;
