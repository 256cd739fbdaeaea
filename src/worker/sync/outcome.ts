import { VerifyMismatchError } from '../errors';
import { classify, isTerminalFailure } from '../queue/classify';
import { formatFailure } from '../../shared/failures';
import { SyncJobState, isLegalMove } from '../../shared/state';
import type { SyncContext } from './deps';
import { addHistory, markFilesNotUploaded, moveJob } from './jobs';

// What a failed attempt does to its job: the error is classified, then written to the queue (offline:
// back to QUEUED with no attempt spent; a mismatch: its files are sent again; else a counted failure).

/**
 * Record that job `jobId` failed with `err`. `nasAnswers` probes the NAS: when it answers, an offline
 * error was the connection breaking mid-exchange.
 */
export async function recordFailedAttempt(
  ctx: SyncContext,
  jobId: string,
  err: unknown,
  nasAnswers: () => Promise<boolean>,
): Promise<void> {
  const { queue, clock } = ctx.deps;
  let failure = classify(err);
  if (failure.kind === 'offline' && (await nasAnswers())) {
    // The NAS answers, so the connection broke during this exchange: a transient fault, counted.
    failure = { ...failure, kind: 'transient', code: 'connection_lost' };
  }
  const job = await queue.getById(jobId);
  if (!job) return;
  const reason = formatFailure(failure.code, failure.message);
  if (failure.kind === 'offline') {
    // Offline is the normal state of a field station: no attempt is spent.
    if (isLegalMove(job.state, SyncJobState.QUEUED)) await moveJob(ctx, jobId, SyncJobState.QUEUED, { lastError: reason });
    await addHistory(ctx, jobId, 'offline', reason);
    return;
  }
  if (err instanceof VerifyMismatchError) await markFilesNotUploaded(ctx, jobId, err.relPaths);
  const terminal = isTerminalFailure(failure.kind);
  await queue.recordFailure(jobId, reason, { terminal, now: new Date(clock.now()), event: { detail: reason } });
}
