import type { SyncJobRow, TransitionPatch } from '../db/jobRows';
import { expectState } from '../db/jobMoves';
import type { RunFile } from '../db/runFiles';
import type { EventKind } from '../../shared/eventKinds';
import type { SyncJobState } from '../../shared/state';
import { formatInstant } from '../../shared/time';
import type { SyncContext } from './deps';

// The engine's writes to a job, in one place. Every move names the states it expects the job in and
// carries its history line in the same transaction: a job an operator changed meanwhile refuses the
// write (JobChangedError), and the engine abandons that job without recording anything.

/** Move the job from one of `expected` to `to`, with its history line. */
export async function moveJob(
  ctx: SyncContext,
  jobId: string,
  expected: readonly SyncJobState[],
  to: SyncJobState,
  patch: TransitionPatch,
  event: { kind: EventKind; detail?: string | null } | null,
): Promise<SyncJobRow> {
  return ctx.deps.stores.moves.move(jobId, expected, to, patch, event);
}

/** A counted (or terminal) failure with the seed's backoff, only while the job is in one of `expected`. */
export async function recordFailure(
  ctx: SyncContext,
  jobId: string,
  expected: readonly SyncJobState[],
  reason: string,
  terminal: boolean,
): Promise<SyncJobRow> {
  const options = { terminal, now: new Date(ctx.deps.clock.now()), event: { detail: reason } };
  return ctx.deps.stores.queue.recordFailure(jobId, reason, options, expectState(expected));
}

export async function listRunFiles(ctx: SyncContext, jobId: string): Promise<RunFile[]> {
  return ctx.deps.stores.runFiles.listFiles(jobId);
}

/** The file is on the NAS under its final name: true whatever happened to the job since. */
export async function markFileUploaded(ctx: SyncContext, jobId: string, seq: number): Promise<void> {
  await ctx.deps.stores.runFiles.markFileUploaded(jobId, seq, formatInstant(ctx.deps.clock.now()));
}

/** These files must be sent again (verify found them wrong on the NAS). */
export async function markFilesNotUploaded(ctx: SyncContext, jobId: string, relPaths: readonly string[]): Promise<void> {
  const bad = new Set(relPaths);
  const files = await listRunFiles(ctx, jobId);
  await ctx.deps.stores.runFiles.markFilesNotUploaded(
    jobId,
    files.filter((f) => bad.has(f.rel_path)).map((f) => f.seq),
  );
}
