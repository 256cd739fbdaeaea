import { Show } from 'solid-js';
import type { SyncJobRow } from '../../worker/contract';
import { formatBytes } from '../../shared/formatBytes';
import { useStore } from '../store';

/** Bytes done of total and the rate, while a job uploads or is read back. */
export function JobProgress(props: { job: SyncJobRow }) {
  const store = useStore();
  const p = () => (props.job.state === 'running' || props.job.state === 'awaiting_verify' ? store.progress[props.job.id] : undefined);
  return (
    <Show when={p()}>
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
  );
}
