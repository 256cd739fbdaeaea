import { historyExpired, retentionOver } from '../../shared/retention';
import type { Settings } from '../../shared/settings';
import { SyncJobState } from '../../shared/state';
import type { SyncContext } from './deps';
import { addHistory, moveJob } from './jobs';

// The reaper: VERIFIED -> CLEANUP_ELIGIBLE after the retention; then the device's copy is freed
// (CLEANED); a CLEANED job leaves the history after `historyDays`. Local files are deleted only here.

export async function reap(ctx: SyncContext): Promise<void> {
  const settings = ctx.deps.settings();
  const now = ctx.deps.clock.now();
  await endRetentions(ctx, settings, now);
  await freeDeviceCopies(ctx);
  await forgetOldJobs(ctx, settings, now);
}

async function endRetentions(ctx: SyncContext, settings: Settings, now: number): Promise<void> {
  for (const job of await ctx.deps.queue.listInState(SyncJobState.VERIFIED)) {
    if (retentionOver(job.verified_at, settings.retentionHours, now)) await moveJob(ctx, job.id, SyncJobState.CLEANUP_ELIGIBLE);
  }
}

async function freeDeviceCopies(ctx: SyncContext): Promise<void> {
  for (const job of await ctx.deps.queue.listInState(SyncJobState.CLEANUP_ELIGIBLE)) {
    await addHistory(ctx, job.id, 'local-delete');
    await ctx.deps.files.deleteRun(job.id);
    await moveJob(ctx, job.id, SyncJobState.CLEANED);
    await addHistory(ctx, job.id, 'cleaned');
  }
}

async function forgetOldJobs(ctx: SyncContext, settings: Settings, now: number): Promise<void> {
  for (const job of await ctx.deps.queue.listInState(SyncJobState.CLEANED)) {
    if (historyExpired(job, settings, now)) await ctx.deps.queue.delete(job.id);
  }
}
