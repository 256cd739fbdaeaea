import type { RunFile, SyncJobRow, TransitionPatch } from '../db/queue';
import { IllegalMoveError } from '../errors';
import { type SyncJobState, isLegalMove } from '../../shared/state';
import { formatInstant } from '../../shared/time';
import type { SyncContext } from './deps';

// The engine's writes to a job, in one place: moves (legal ones only), its history, its run files' marks.

/** Move the job to `to`, refused unless the move is legal from the state it is in when the write runs. */
export async function moveJob(ctx: SyncContext, jobId: string, to: SyncJobState, patch: TransitionPatch = {}): Promise<SyncJobRow> {
  return ctx.deps.queue.transition(jobId, to, patch, (job) => {
    if (!isLegalMove(job.state, to)) throw new IllegalMoveError(`a ${job.state} job cannot move to ${to}`);
  });
}

/** A line in the job's history. */
export async function addHistory(ctx: SyncContext, jobId: string, kind: string, detail?: string): Promise<void> {
  await ctx.deps.queue.addEvent(jobId, kind, detail);
}

export async function listRunFiles(ctx: SyncContext, jobId: string): Promise<RunFile[]> {
  return ctx.deps.queue.listFiles(jobId);
}

/** The file is on the NAS under its final name. */
export async function markFileUploaded(ctx: SyncContext, jobId: string, seq: number): Promise<void> {
  await ctx.deps.queue.markFileUploaded(jobId, seq, formatInstant(ctx.deps.clock.now()));
}

/** These files must be sent again (verify found them wrong on the NAS). */
export async function markFilesNotUploaded(ctx: SyncContext, jobId: string, relPaths: readonly string[]): Promise<void> {
  const bad = new Set(relPaths);
  const files = await listRunFiles(ctx, jobId);
  await ctx.deps.queue.markFilesNotUploaded(jobId, files.filter((f) => bad.has(f.rel_path)).map((f) => f.seq));
}
