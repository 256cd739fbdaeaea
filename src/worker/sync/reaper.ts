import type { SyncJobRow } from '../db/jobRows';
import { JobChangedError, NasConflictError, UnknownJobError } from '../errors';
import { formatFailure } from '../../shared/failures';
import { historyExpired, retentionOver } from '../../shared/retention';
import type { Settings } from '../../shared/settings';
import { SyncJobState } from '../../shared/state';
import { confirmNasCopy, NasCopyChanged } from './confirmNasCopy';
import type { SyncContext } from './deps';
import { moveJob, recordFailure } from './jobs';

// The reaper: VERIFIED -> CLEANUP_ELIGIBLE after the retention; then, once the NAS folder has been read
// again and still holds the verified run, the device's copy is freed (CLEANED); a CLEANED job leaves the
// history after `historyDays`. Local files are deleted only here.

/**
 * `onRun(jobId)` says which run's device copy is being looked at: an operator's action on it, or a
 * pause, aborts `ctx.signal`, and the reaper stops (the rest waits for the next turn).
 */
export async function reap(ctx: SyncContext, onRun: (jobId: string) => void = () => undefined): Promise<void> {
  const settings = ctx.deps.settings();
  const now = ctx.deps.clock.now();
  const { queue } = ctx.deps.stores;
  for (const job of await queue.listInState(SyncJobState.VERIFIED)) {
    if (retentionOver(job.verified_at, settings.retentionHours, now)) {
      await abandonIfChanged(moveJob(ctx, job.id, [SyncJobState.VERIFIED], SyncJobState.CLEANUP_ELIGIBLE, {}, null));
    }
  }
  for (const job of await queue.listInState(SyncJobState.CLEANUP_ELIGIBLE)) {
    if (ctx.signal.aborted) return;
    onRun(job.id);
    await abandonIfChanged(freeDeviceCopy(ctx, job));
  }
  if (ctx.signal.aborted) return;
  await forgetOldJobs(ctx, settings, now);
}

/**
 * Free one run's device copy after reading the NAS again. A copy missing or different there keeps the
 * device copy and fails the job (nas_copy_changed); a NAS that does not answer now is asked next turn.
 */
async function freeDeviceCopy(ctx: SyncContext, job: SyncJobRow): Promise<void> {
  try {
    await confirmNasCopy(ctx, job);
  } catch (err) {
    if (ctx.signal.aborted || !(err instanceof NasCopyChanged || err instanceof NasConflictError)) return;
    await ctx.deps.stores.claims.release(job.id, err.message);
    await recordFailure(ctx, job.id, [SyncJobState.CLEANUP_ELIGIBLE], formatFailure('nas_copy_changed', err.message), true);
    return;
  }
  // Stopped or paused while the check was in flight: the device copy stays (freed next turn, if at all).
  if (ctx.signal.aborted) return;
  const eligible = [SyncJobState.CLEANUP_ELIGIBLE];
  // The history line first, guarded: an operator who acted on the job meanwhile keeps its files.
  await moveJob(ctx, job.id, eligible, SyncJobState.CLEANUP_ELIGIBLE, {}, { kind: 'local-delete' });
  await ctx.deps.files.deleteRun(job.id);
  await moveJob(ctx, job.id, eligible, SyncJobState.CLEANED, {}, { kind: 'cleaned' });
}

async function forgetOldJobs(ctx: SyncContext, settings: Settings, now: number): Promise<void> {
  for (const job of await ctx.deps.stores.queue.listInState(SyncJobState.CLEANED)) {
    if (historyExpired(job, settings, now)) await ctx.deps.stores.queue.delete(job.id);
  }
}

/** A job an operator changed (or discarded) while the reaper looked at it is theirs: leave it. */
async function abandonIfChanged(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (err) {
    if (!(err instanceof JobChangedError || err instanceof UnknownJobError)) throw err;
  }
}
