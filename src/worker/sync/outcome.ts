import { JobChangedError, UnknownJobError, VerifyMismatchError } from '../errors';
import { type Failure, classify, isTerminalFailure } from '../queue/classify';
import { formatFailure } from '../../shared/failures';
import { SyncJobState } from '../../shared/state';
import type { SyncContext } from './deps';
import { markFilesNotUploaded, moveJob, recordFailure } from './jobs';

// What a failed attempt does to its job: the error is classified, then written to the queue (offline:
// back to QUEUED with no attempt spent; a mismatch: its files are sent again; a conflict: the folder is
// given up; else a counted failure). A job an operator changed meanwhile is left exactly as they made it.

/** The states a job is in while the engine works on it: only from these does a failure move it. */
const IN_FLIGHT = [SyncJobState.RUNNING, SyncJobState.AWAITING_VERIFY];

/**
 * Record that job `jobId` failed with `err`. `nasAnswers` probes the NAS: when it answers, an offline
 * error was the connection breaking mid-exchange and a gateway's 5xx or a stall are the NAS's own
 * transient faults; when it does not, the NAS is unreachable and no attempt is spent.
 */
export async function recordFailedAttempt(
  ctx: SyncContext,
  jobId: string,
  err: unknown,
  nasAnswers: () => Promise<boolean>,
): Promise<void> {
  try {
    await record(ctx, jobId, err, nasAnswers);
  } catch (writeErr) {
    if (!(writeErr instanceof JobChangedError || writeErr instanceof UnknownJobError)) throw writeErr;
  }
}

async function record(ctx: SyncContext, jobId: string, err: unknown, nasAnswers: () => Promise<boolean>): Promise<void> {
  if (err instanceof JobChangedError || err instanceof UnknownJobError) return;
  const failure = await settle(classify(err), nasAnswers);
  const reason = formatFailure(failure.code, failure.message);
  if (failure.kind === 'offline') {
    // Offline is the normal state of a field station: no attempt is spent.
    await moveJob(ctx, jobId, IN_FLIGHT, SyncJobState.QUEUED, { lastError: reason }, { kind: 'offline', detail: reason });
    return;
  }
  if (err instanceof VerifyMismatchError) await markFilesNotUploaded(ctx, jobId, err.relPaths);
  if (failure.kind === 'conflict') await ctx.deps.stores.claims.release(jobId, failure.message);
  await recordFailure(ctx, jobId, IN_FLIGHT, reason, isTerminalFailure(failure.kind));
}

/** Offline and unanswered failures are told apart by whether the NAS answers a probe now. */
async function settle(failure: Failure, nasAnswers: () => Promise<boolean>): Promise<Failure> {
  if (failure.kind !== 'offline' && failure.kind !== 'unanswered') return failure;
  if (!(await nasAnswers())) return { kind: 'offline', code: 'nas_unreachable', message: failure.message };
  if (failure.kind === 'offline') return { ...failure, kind: 'transient', code: 'connection_lost' };
  return { ...failure, kind: 'transient' };
}
