import { JobChangedError } from '../errors';
import type { EventKind } from '../../shared/eventKinds';
import type { SyncJobState } from '../../shared/state';
import { addEventRow } from './history';
import { type JobGuard, type SyncJobRow, type TransitionPatch, selectJob, transitionJobRow } from './jobRows';
import type { TransactionRunner } from './transactionRunner';

// The engine's state moves: each names the states it expects the job in and writes its history line in
// the same transaction. A job an operator changed meanwhile refuses the move with JobChangedError.

export class JobMoves {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly clock: () => number,
  ) {}

  async move(
    jobId: string,
    expected: readonly SyncJobState[],
    to: SyncJobState,
    patch: TransitionPatch,
    event: { kind: EventKind; detail?: string | null } | null,
  ): Promise<SyncJobRow> {
    return this.runner.write([jobId], (db) => {
      expectState(expected)(selectJob(db, 'WHERE id = ?', [jobId]) ?? missing(jobId));
      const after = transitionJobRow(db, jobId, to, patch);
      if (event) addEventRow(db, jobId, event.kind, event.detail ?? null, this.clock());
      return after;
    });
  }
}

/** A guard for the queue's writes: the job must still be in one of these states. */
export function expectState(expected: readonly SyncJobState[]): JobGuard {
  return (job) => {
    if (!expected.includes(job.state)) throw new JobChangedError(job.id, job.state);
  };
}

function missing(jobId: string): never {
  throw new JobChangedError(jobId, null);
}
