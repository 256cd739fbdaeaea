import { SyncJobState } from '../../shared/state';
import { type InsertArgs, type SyncJobRow, insertJobRow, requeueJobRow } from './jobRows';
import { all } from './statements';
import type { TransactionRunner } from './transactionRunner';

// Operator actions on many jobs at once, each in one transaction: queue a list of runs (all or none),
// retry every failed job.

export class BulkJobs {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly clock: () => number,
  ) {}

  /** Insert many jobs in one transaction: all of them or, on any refusal, none. */
  async insertMany(items: readonly InsertArgs[]): Promise<SyncJobRow[]> {
    return this.runner.write([], (db) => items.map((item) => insertJobRow(db, item, this.clock())));
  }

  /** Retry every FAILED job in one transaction, each with its history line; returns the jobs now QUEUED. */
  async resetAllFailed(): Promise<SyncJobRow[]> {
    return this.runner.write([], (db) => {
      const ids = all(db, 'SELECT id FROM jobs WHERE state = ?', [SyncJobState.FAILED]).map((r) => String(r.id));
      return ids.map((id) => requeueJobRow(db, id, 'Retry all', this.clock()));
    });
  }
}
