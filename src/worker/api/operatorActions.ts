// What an operator does to a job by hand, and nothing else: record a failure, retry, stop syncing,
// discard. Each has its rule, checked inside the queue's transaction, so a refused action changes
// nothing. There is no general move: the engine's steps (sent, verified, cleaned up) are the engine's.
import { IllegalMoveError, invalidInput, type Result } from '../errors';
import { MAX_ATTEMPTS } from '../../shared/backoff';
import { formatFailure } from '../../shared/failures';
import { SyncJobState, canDelete, canRetry, isLegalMove, planFailure } from '../../shared/state';
import type { SyncJobRow } from '../contract';
import { type ApiDeps, cancelIfDone, wakeIfDone, withQueue } from './deps';

export async function recordFailure(
  deps: ApiDeps,
  jobId: string,
  failure: { error: string; terminal?: boolean },
): Promise<Result<SyncJobRow>> {
  const error = String(failure.error ?? '').trim();
  if (!error) return invalidInput({ field: 'error', message: 'Say what went wrong: the failure reason is empty.' });
  const terminal = failure.terminal ?? false;
  const recorded = await withQueue(deps, ({ queue }) =>
    queue.recordFailure(jobId, error, { terminal, event: { detail: `recorded by hand: ${error}` } }, (job) => {
      const target = planFailure(job, terminal, MAX_ATTEMPTS);
      if (!isLegalMove(job.state, target)) throw new IllegalMoveError(`a failure cannot be recorded on a ${job.state} job`);
    }),
  );
  return cancelIfDone(deps, jobId, recorded);
}

export async function retry(deps: ApiDeps, jobId: string): Promise<Result<SyncJobRow>> {
  const retried = await withQueue(deps, ({ queue }) =>
    queue.resetToQueued(jobId, (job) => {
      if (!canRetry(job.state)) throw new IllegalMoveError(`only a failed job can be retried; this one is ${job.state}`);
    }),
  );
  return wakeIfDone(deps, cancelIfDone(deps, jobId, retried));
}

export async function retryAll(deps: ApiDeps): Promise<Result<number>> {
  return wakeIfDone(deps, await withQueue(deps, async ({ bulk }) => (await bulk.resetAllFailed()).length));
}

/** FAILED at once with the operator's reason, kept in the job's history; the run's files stay on the device. */
export async function stopSyncing(deps: ApiDeps, jobId: string, reason: string): Promise<Result<SyncJobRow>> {
  const why = String(reason ?? '').trim();
  if (!why) return invalidInput({ field: 'reason', message: 'Say why this run should not be synced; the reason is kept in its history.' });
  const options = { terminal: true, event: { kind: 'stopped' as const, detail: why } };
  const stopped = await withQueue(deps, ({ queue }) =>
    queue.recordFailure(jobId, formatFailure('stopped_by_operator', why), options, (job) => {
      if (!isLegalMove(job.state, SyncJobState.FAILED)) throw new IllegalMoveError(`a ${job.state} run cannot be stopped`);
    }),
  );
  return cancelIfDone(deps, jobId, stopped);
}

/** Delete a FAILED or CLEANED job and its files on the device; says how many files and bytes went. */
export async function discard(deps: ApiDeps, jobId: string): Promise<Result<{ files: number; bytes: number }>> {
  const discarded = await withQueue(deps, async ({ queue, listing }) => {
    // Read before the row goes (its file list goes with it). The row goes first: a crash between the
    // two leaves an orphan folder, which start-up sweeps away, never a job whose files are half gone.
    const size = (await listing.runSizes([jobId]))[jobId];
    let cleaned = false;
    await queue.delete(jobId, (job) => {
      if (!canDelete(job.state)) {
        throw new IllegalMoveError(`a ${job.state} job is still being synced; only failed or finished runs can be discarded`);
      }
      cleaned = job.state === SyncJobState.CLEANED;
    });
    // Whatever the engine still has in flight for it stops before its files go.
    deps.engine()?.cancel(jobId);
    await deps.files.deleteRun(jobId);
    return cleaned ? { files: 0, bytes: 0 } : size;
  });
  return discarded;
}
