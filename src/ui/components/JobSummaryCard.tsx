import { Show } from 'solid-js';
import type { JobEvent, RunFile, SyncJobRow } from '../../worker/contract';
import { canDelete, canRetry, isLegalMove } from '../../shared/state';
import { queuedByPath } from '../../shared/runPath';
import { currentError, pendingAttemptAt } from '../../shared/currentFacts';
import { MANIFEST_NAME } from '../../shared/manifestName';
import { formatRetryIn, formatTime } from '../store/format';
import { DiscardButton } from './DiscardDialog';
import { FailureReason } from './FailureReason';
import { JobProgress } from './JobProgress';
import { RecordFailureForm } from './RecordFailureForm';
import { RetryButton } from './RetryButton';

/** A job's facts (where it goes, attempts, verify result), its progress and reason, and what can be done with it. */
export function JobSummaryCard(props: { job: SyncJobRow; files: RunFile[]; events: JobEvent[]; now: number; onDiscarded: () => void }) {
  return (
    <section class="card">
      <dl class="job-facts">
        <Fact label="Equipment" testid="job-equipment" value={props.job.equipment_id} />
        <Fact label="NAS folder" testid="job-nas-path" value={props.job.nas_path ?? '—'} wide />
        <Show when={queuedByPath(props.job)}>
          <Fact label="Run path" testid="job-run-path" value={props.job.run_path} wide />
        </Show>
        <Fact label="Queued" value={formatTime(props.job.enqueued_at)} />
        <Fact label="Attempts" testid="job-attempts" value={String(props.job.attempts)} />
        <Show when={pendingAttemptAt(props.job)}>
          {(at) => <Fact label="Next attempt" testid="job-next-attempt" value={formatRetryIn(at(), props.now)} />}
        </Show>
        <Fact label="Verified" testid="job-verified" value={verifyResult(props.job, props.files, props.events)} wide />
        <Show when={props.job.verified_at}>
          <Fact label="Manifest" testid="job-manifest" value={`${props.job.nas_path}/${MANIFEST_NAME}`} wide />
        </Show>
      </dl>
      <JobProgress job={props.job} />
      <FailureReason lastError={currentError(props.job)} testid="job-reason" />
      <div class="job-actions">
        <Show when={canRetry(props.job.state)}>
          <RetryButton jobId={props.job.id} />
        </Show>
        <Show when={canDelete(props.job.state)}>
          <DiscardButton job={props.job} onDone={props.onDiscarded} />
        </Show>
      </div>
      <Show when={isLegalMove(props.job.state, 'failed')}>
        <details class="failure-details">
          <summary>Record a failure or stop syncing</summary>
          <RecordFailureForm job={props.job} />
        </details>
      </Show>
    </section>
  );
}

function Fact(props: { label: string; value: string; testid?: string; wide?: boolean }) {
  return (
    <div class={props.wide ? 'wide' : undefined}>
      <dt>{props.label}</dt>
      <dd data-testid={props.testid}>{props.value}</dd>
    </div>
  );
}

function verifyResult(job: SyncJobRow, files: RunFile[], events: JobEvent[]): string {
  if (!job.verified_at) return job.state === 'awaiting_verify' ? 'Reading the NAS copy back…' : 'Not yet';
  const last = [...events].reverse().find((e) => e.kind === 'verified');
  return `${formatTime(job.verified_at)}: ${files.length} files match${last?.detail ? ` (${last.detail})` : ''}`;
}
