import { createSignal, Show } from 'solid-js';
import type { SyncJobRow } from '../../worker/api';
import { canDelete, canRetry, isLegalMove } from '../../worker/queue/state';
import { formatBytes } from '../../worker/errors';
import { useStore } from '../store';
import { formatRetryIn, formatTime, STATE_LABELS } from '../store/format';

/** One job: its fields, and the actions its state allows. */
export function JobRow(props: { job: SyncJobRow; now: number }) {
  const store = useStore();
  const [failing, setFailing] = createSignal(false);
  const [reason, setReason] = createSignal('');
  const [terminal, setTerminal] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  async function act(run: () => Promise<{ ok: boolean; error?: { message: string } }>) {
    const res = await run();
    setError(res.ok ? null : (res.error?.message ?? 'Refused'));
    return res.ok;
  }

  async function submitFailure(event: SubmitEvent) {
    event.preventDefault();
    if (await act(() => store.recordFailure(props.job.id, reason(), terminal()))) {
      setFailing(false);
      setReason('');
      setTerminal(false);
    }
  }

  const canFail = () => isLegalMove(props.job.state, 'failed');
  // A run's name is the last folder of its NAS path; the local run path is only the device's bookkeeping.
  const runName = () => props.job.nas_path?.split('/').pop() ?? props.job.run_path;

  return (
    <li class="job" data-testid="job" data-job-id={props.job.id} data-state={props.job.state}>
      <div class="job-main">
        <span class={`badge state-${props.job.state}`} data-testid="job-state">
          {STATE_LABELS[props.job.state]}
        </span>
        <span class="run-name" data-testid="job-name">
          {runName()}
        </span>
        <span class="run-path" data-testid="job-run-path">
          {props.job.run_path}
        </span>
        <span class="equipment" data-testid="job-equipment">
          {props.job.equipment_id}
        </span>
      </div>
      <dl class="job-facts">
        <div>
          <dt>Attempts</dt>
          <dd data-testid="job-attempts">{props.job.attempts}</dd>
        </div>
        <div>
          <dt>Next attempt</dt>
          <dd data-testid="job-next-attempt" title={props.job.next_attempt_at ?? ''}>
            {formatRetryIn(props.job.next_attempt_at, props.now) || '—'}
          </dd>
        </div>
        <Show when={store.sizes[props.job.id]}>
          {(size) => (
            <div>
              <dt>Size</dt>
              <dd data-testid="job-size">
                {size().files} files, {formatBytes(size().bytes)}
              </dd>
            </div>
          )}
        </Show>
        <Show when={props.job.nas_path}>
          <div>
            <dt>NAS folder</dt>
            <dd data-testid="job-nas-path">{props.job.nas_path}</dd>
          </div>
        </Show>
        <div>
          <dt>Queued</dt>
          <dd>{formatTime(props.job.enqueued_at)}</dd>
        </div>
        <Show when={props.job.last_error}>
          <div class="last-error">
            <dt>Last error</dt>
            <dd data-testid="job-last-error">{props.job.last_error}</dd>
          </div>
        </Show>
      </dl>
      <Show when={(props.job.state === 'running' || props.job.state === 'awaiting_verify') && store.progress[props.job.id]}>
        {(p) => (
          <div class="progress" data-testid="job-progress">
            <progress max={p().bytesTotal || 1} value={p().bytesDone} aria-label={p().phase === 'upload' ? 'Uploading' : 'Verifying'} />
            <span>
              {p().phase === 'upload' ? 'Uploaded' : 'Verified'} {formatBytes(p().bytesDone)} of {formatBytes(p().bytesTotal)},{' '}
              {formatBytes(p().bytesPerSecond)}/s
            </span>
          </div>
        )}
      </Show>
      <div class="job-actions">
        <Show when={canFail()}>
          <button type="button" aria-expanded={failing()} onClick={() => setFailing(!failing())}>
            Record failure
          </button>
        </Show>
        <Show when={canRetry(props.job.state)}>
          <button type="button" class="primary" onClick={() => void act(() => store.retry(props.job.id))}>
            Retry
          </button>
        </Show>
        <Show when={canDelete(props.job.state)}>
          <button
            type="button"
            class="danger"
            onClick={() => {
              if (confirm(`Delete the job for ${props.job.run_path}? The queue forgets it.`)) {
                void act(() => store.remove(props.job.id));
              }
            }}
          >
            Delete
          </button>
        </Show>
      </div>
      <Show when={failing()}>
        <form class="failure-form" onSubmit={submitFailure} aria-label={`Record a failure for ${props.job.run_path}`}>
          <label>
            What went wrong
            <input name="reason" value={reason()} onInput={(e) => setReason(e.currentTarget.value)} required />
          </label>
          <label class="check">
            <input type="checkbox" checked={terminal()} onChange={(e) => setTerminal(e.currentTarget.checked)} />
            Fail now, no retry (wrong password, file gone)
          </label>
          <button type="submit">Save failure</button>
        </form>
      </Show>
      <Show when={error()}>
        <p class="msg msg-error" role="alert">
          {error()}
        </p>
      </Show>
    </li>
  );
}
