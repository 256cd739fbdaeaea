import { createSignal } from 'solid-js';
import type { SyncJobRow } from '../../worker/contract';
import { useStore } from '../store';
import { FormMessage, type Message } from './FormMessage';

/**
 * Record a failure by hand, or stop syncing a run an operator knows is bad: FAILED at once with the
 * reason typed in; the run's files stay on the device until it is discarded.
 */
export function RecordFailureForm(props: { job: SyncJobRow }) {
  const store = useStore();
  const [reason, setReason] = createSignal('');
  const [message, setMessage] = createSignal<Message | null>(null);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const stop = (event.submitter as HTMLButtonElement | null)?.value === 'stop';
    const res = stop ? await store.stopSyncing(props.job.id, reason()) : await store.recordFailure(props.job.id, reason(), false);
    setMessage(res.ok ? { kind: 'ok', text: stop ? 'Syncing stopped' : 'Failure recorded' } : { kind: 'error', text: res.error.message });
    if (res.ok) setReason('');
  }

  return (
    <form class="failure-form" onSubmit={submit} aria-label="Record a failure or stop syncing">
      <label>
        What went wrong
        <input name="reason" value={reason()} onInput={(e) => setReason(e.currentTarget.value)} required />
      </label>
      <div class="job-actions">
        <button type="submit" value="failure" class="plain">
          Record failure (retry later)
        </button>
        <button type="submit" value="stop" class="danger">
          Stop syncing this run
        </button>
      </div>
      <FormMessage message={message()} />
    </form>
  );
}
