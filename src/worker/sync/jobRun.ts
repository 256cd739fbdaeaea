import type { SyncJobRow } from '../db/jobRows';
import { JobChangedError, UnknownJobError } from '../errors';
import { SyncJobState } from '../../shared/state';
import type { SyncContext } from './deps';
import { moveJob } from './jobs';
import { recordFailedAttempt } from './outcome';
import { sendRun } from './upload';
import { verifyPass } from './verify';

// One job's turn through the phases, and what its end means: done, failed (outcome.ts), or stopped from
// outside. A job whose controller was aborted records nothing, except a pause or a change of NAS
// settings, which puts it back to QUEUED without spending an attempt.

/** A job in flight: abort its controller with 'cancelled' (operator) or 'interrupted' (pause, settings). */
export interface JobRun {
  controller: AbortController;
  done: Promise<void>;
  /** A last look at the NAS before freeing the device copy, not a send or a verify. */
  cleanup: boolean;
}

/**
 * A QUEUED job is sent, then verified pass by pass; an AWAITING_VERIFY one (after a restart) only
 * verified. Resolves true when the NAS answered all the way through.
 */
export async function runJob(ctx: SyncContext, job: SyncJobRow, own: AbortSignal, nasAnswers: () => Promise<boolean>): Promise<boolean> {
  try {
    let current = job;
    if (current.state === SyncJobState.QUEUED) current = await sendRun(ctx, current);
    while (current.state === SyncJobState.AWAITING_VERIFY && !ctx.signal.aborted) current = await verifyPass(ctx, current);
    return true;
  } catch (err) {
    if (own.aborted && own.reason === 'interrupted') await requeue(ctx, job.id);
    else if (!ctx.signal.aborted) await recordFailedAttempt(ctx, job.id, err, nasAnswers);
    return false;
  }
}

async function requeue(ctx: SyncContext, jobId: string): Promise<void> {
  try {
    await moveJob(ctx, jobId, [SyncJobState.RUNNING, SyncJobState.AWAITING_VERIFY], SyncJobState.QUEUED, {}, { kind: 'interrupted' });
  } catch (err) {
    if (!(err instanceof JobChangedError || err instanceof UnknownJobError)) throw err;
  }
}
