import type { SyncJobRow } from '../db/jobRows';
import { JobChangedError, NasConflictError, UnknownJobError } from '../errors';
import { formatFailure } from '../../shared/failures';
import { historyExpired, retentionOver } from '../../shared/retention';
import type { Settings } from '../../shared/settings';
import { SyncJobState } from '../../shared/state';
import { confirmNasCopy, NasCopyChanged, NasElsewhere } from './confirmNasCopy';
import type { SyncContext } from './deps';
import { moveJob, recordFailure } from './jobs';

// The reaper: VERIFIED -> CLEANUP_ELIGIBLE after the retention; then, once the NAS folder has been read
// again and still holds the verified run, the device's copy is freed (CLEANED); a CLEANED job leaves the
// history after `historyDays`. Local files are deleted only here. The database moves happen in the loop's
// turn; freeing a copy, which asks the NAS, runs as a job of its own that an operator can cancel.

/** The turn's part: retentions that are over, and history that has expired. */
export async function reapTurn(ctx: SyncContext): Promise<void> {
  const settings = ctx.deps.settings();
  const now = ctx.deps.clock.now();
  for (const job of await ctx.deps.stores.queue.listInState(SyncJobState.VERIFIED)) {
    if (retentionOver(job.verified_at, settings.retentionHours, now)) {
      await abandonIfChanged(moveJob(ctx, job.id, [SyncJobState.VERIFIED], SyncJobState.CLEANUP_ELIGIBLE, {}, null));
    }
  }
  await forgetOldJobs(ctx, settings, now);
}

/**
 * Free one CLEANUP_ELIGIBLE run's device copy after reading the NAS again. A copy missing or different
 * there keeps the device copy and fails the job (nas_copy_changed). Throws when the NAS cannot be asked
 * now (the engine asks again later); an operator's change to the job meanwhile is left as they made it.
 */
export async function freeDeviceCopy(ctx: SyncContext, job: SyncJobRow): Promise<void> {
  await abandonIfChanged(checkThenFree(ctx, job));
}

async function checkThenFree(ctx: SyncContext, job: SyncJobRow): Promise<void> {
  try {
    await confirmNasCopy(ctx, job);
  } catch (err) {
    if (err instanceof NasElsewhere) await sayOnce(ctx, job.id, err.message);
    if (!(err instanceof NasCopyChanged || err instanceof NasConflictError)) throw err;
    await ctx.deps.stores.claims.release(job.id, err.message);
    await recordFailure(ctx, job.id, [SyncJobState.CLEANUP_ELIGIBLE], formatFailure('nas_copy_changed', err.message), true);
    return;
  }
  const eligible = [SyncJobState.CLEANUP_ELIGIBLE];
  // The history line first, guarded: an operator who acted on the job meanwhile keeps its files.
  await moveJob(ctx, job.id, eligible, SyncJobState.CLEANUP_ELIGIBLE, {}, { kind: 'local-delete' });
  await ctx.deps.files.deleteRun(job.id);
  await moveJob(ctx, job.id, eligible, SyncJobState.CLEANED, {}, { kind: 'cleaned' });
}

/** A 'kept' line in the run's history, unless its last line already says the same. */
async function sayOnce(ctx: SyncContext, jobId: string, why: string): Promise<void> {
  const last = (await ctx.deps.stores.history.listEvents(jobId)).at(-1);
  if (last?.kind !== 'kept' || last.detail !== why) await ctx.deps.stores.history.addEvent(jobId, 'kept', why);
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
