import { createSignal, Show } from 'solid-js';
import type { SyncJobRow } from '../../worker/api';
import { useStore } from '../store';
import { formatTime, runName } from '../store/format';
import { plainReason } from '../store/plainReason';
import { routeHref } from '../store/createRoute';
import { DiscardButton } from './DiscardDialog';

/** A failed job: why in plain words, the stored detail a tap away, Retry and Discard. */
export function ProblemRow(props: { job: SyncJobRow }) {
  const store = useStore();
  const [error, setError] = createSignal<string | null>(null);
  const reason = () => plainReason(props.job.last_error);
  async function retry() {
    const res = await store.retry(props.job.id);
    setError(res.ok ? null : res.error.message);
  }
  return (
    <li class="job problem" data-testid="problem" data-job-id={props.job.id}>
      <div class="job-main">
        <a class="run-name" href={routeHref({ view: 'job', jobId: props.job.id })}>
          {runName(props.job)}
        </a>
        <span class="equipment">{props.job.equipment_id}</span>
        <span class="muted">failed {formatTime(props.job.last_attempt_at)}</span>
      </div>
      <p class="reason" data-testid="problem-reason">
        {reason()?.text ?? 'No reason was recorded.'}
      </p>
      <Show when={reason()}>
        <details>
          <summary>Technical detail</summary>
          <code data-testid="job-last-error">{reason()!.detail}</code>
        </details>
      </Show>
      <div class="job-actions">
        <button type="button" class="primary" onClick={() => void retry()}>
          Retry
        </button>
        <DiscardButton job={props.job} />
      </div>
      <Show when={error()}>
        <p class="msg msg-error" role="alert">
          {error()}
        </p>
      </Show>
    </li>
  );
}
