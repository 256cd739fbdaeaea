import type { SyncJobRow } from '../../worker/contract';
import { formatTime, runName } from '../store/format';
import { routeHref } from '../store/createRoute';
import { DiscardButton } from './DiscardDialog';
import { FailureReason } from './FailureReason';
import { RetryButton } from './RetryButton';

/** A failed job: why in plain words, the stored detail a tap away, Retry and Discard. */
export function ProblemRow(props: { job: SyncJobRow }) {
  return (
    <li class="job problem" data-testid="problem" data-job-id={props.job.id}>
      <div class="job-main">
        <a class="run-name" href={routeHref({ view: 'job', jobId: props.job.id })}>
          {runName(props.job)}
        </a>
        <span class="equipment">{props.job.equipment_id}</span>
        <span class="muted">failed {formatTime(props.job.last_attempt_at)}</span>
      </div>
      <FailureReason lastError={props.job.last_error} testid="problem-reason" fallback="No reason was recorded." />
      <div class="job-actions">
        <RetryButton jobId={props.job.id} />
        <DiscardButton job={props.job} />
      </div>
    </li>
  );
}
