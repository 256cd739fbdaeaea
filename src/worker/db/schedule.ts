import { SyncJobState } from '../../shared/state';
import { type SyncJobRow, selectJobs } from './jobRows';
import { one } from './statements';
import type { TransactionRunner } from './transactionRunner';

// What the engine asks the jobs table before it starts work: which QUEUED jobs are due now, and when the
// next planned retry falls (so it can sleep until then).

export class Schedule {
  constructor(private readonly runner: TransactionRunner) {}

  /** QUEUED jobs whose next attempt is unset or not after `nowIso`, oldest first. */
  async dueJobs(nowIso: string, limit: number): Promise<SyncJobRow[]> {
    return this.runner.read((db) =>
      selectJobs(
        db,
        `WHERE state = ? AND (next_attempt_at IS NULL OR next_attempt_at = '' OR next_attempt_at <= ?)
         ORDER BY enqueued_at, rowid LIMIT ?`,
        [SyncJobState.QUEUED, nowIso, limit],
      ),
    );
  }

  /** The earliest planned retry of a QUEUED job, or null. */
  async nextAttemptAt(): Promise<string | null> {
    return this.runner.read((db) => {
      const r = one(db, "SELECT MIN(next_attempt_at) AS t FROM jobs WHERE state = ? AND next_attempt_at > ''", [SyncJobState.QUEUED]);
      return r?.t === null || r?.t === undefined ? null : String(r.t);
    });
  }
}
