import { Show } from 'solid-js';
import type { SyncJobRow } from '../../worker/contract';
import { formatBytes } from '../../shared/formatBytes';
import { useStore } from '../store';
import { formatRetryIn, runName, STATE_LABELS } from '../store/format';
import { plainReason } from '../../shared/plainReason';
import { queuedByPath } from '../../shared/runPath';
import { currentError, pendingAttemptAt } from '../../shared/currentFacts';
import { routeHref } from '../store/createRoute';
import { JobProgress } from './JobProgress';

/** One job of the queue, a line or two; its name opens the job's page. */
export function JobRow(props: { job: SyncJobRow; now: number }) {
  const store = useStore();
  const reason = () => plainReason(currentError(props.job));
  return (
    <div class="job" data-testid="job" data-job-id={props.job.id} data-state={props.job.state}>
      <div class="job-main">
        <span class={`badge state-${props.job.state}`} data-testid="job-state">
          {STATE_LABELS[props.job.state]}
        </span>
        <a class="run-name" href={routeHref({ view: 'job', jobId: props.job.id })} data-testid="job-name">
          {runName(props.job)}
        </a>
        <span class="equipment" data-testid="job-equipment">
          {props.job.equipment_id}
        </span>
      </div>
      <JobRowFacts job={props.job} now={props.now} size={store.sizes[props.job.id]} />
      <JobProgress job={props.job} />
      <Show when={reason()}>
        <p class="reason" data-testid="job-reason">
          {reason()!.text}
        </p>
      </Show>
    </div>
  );
}

/** The row's size, attempts, next try and where the run goes (or came from). */
function JobRowFacts(props: { job: SyncJobRow; now: number; size: { files: number; bytes: number } | undefined }) {
  return (
    <dl class="job-facts">
      <div>
        <dt>Size</dt>
        <dd data-testid="job-size">{props.size?.files ? `${props.size.files} files, ${formatBytes(props.size.bytes)}` : '—'}</dd>
      </div>
      <div>
        <dt>Attempts</dt>
        <dd data-testid="job-attempts">{props.job.attempts}</dd>
      </div>
      <Show when={pendingAttemptAt(props.job)}>
        {(at) => (
          <div>
            <dt>Next attempt</dt>
            <dd data-testid="job-next-attempt" title={at()}>
              {formatRetryIn(at(), props.now)}
            </dd>
          </div>
        )}
      </Show>
      <Show when={props.job.nas_path}>
        <div class="wide">
          <dt>NAS folder</dt>
          <dd class="run-path" data-testid="job-nas-path">
            {props.job.nas_path}
          </dd>
        </div>
      </Show>
      <Show when={queuedByPath(props.job)}>
        <div class="wide">
          <dt>Run path</dt>
          <dd class="run-path" data-testid="job-run-path">
            {props.job.run_path}
          </dd>
        </div>
      </Show>
    </dl>
  );
}
