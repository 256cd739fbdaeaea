import { SyncJobState } from './state';

// What of a job's row is still true in its state. The row keeps last_error and next_attempt_at as the
// seed's queue writes them (a later success does not clear them); the history keeps every failure. The
// page shows them only while they describe the present.

/** The job columns these rules read. */
export interface JobFacts {
  state: SyncJobState;
  last_error: string | null;
  next_attempt_at: string | null;
}

/** States before the NAS copy was found whole: an earlier failure is still why the job waits or stopped. */
const FAILURE_STILL_APPLIES: ReadonlySet<SyncJobState> = new Set([
  SyncJobState.QUEUED,
  SyncJobState.RUNNING,
  SyncJobState.AWAITING_VERIFY,
  SyncJobState.FAILED,
]);

/** The error to show for the job, or null once it is VERIFIED or later (the failure is history then). */
export function currentError(job: JobFacts): string | null {
  return FAILURE_STILL_APPLIES.has(job.state) ? job.last_error : null;
}

/** When the job is tried next, or null: only a QUEUED job waits for an attempt. */
export function pendingAttemptAt(job: JobFacts): string | null {
  return job.state === SyncJobState.QUEUED && job.next_attempt_at ? job.next_attempt_at : null;
}
