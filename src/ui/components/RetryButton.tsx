import { createSignal } from 'solid-js';
import { useStore } from '../store';
import { FormMessage, type Message } from './FormMessage';

/** Retry a failed job; a refusal is said beside the button. */
export function RetryButton(props: { jobId: string }) {
  const store = useStore();
  const [message, setMessage] = createSignal<Message | null>(null);
  async function retry() {
    const res = await store.retry(props.jobId);
    setMessage(res.ok ? null : { kind: 'error', text: res.error.message });
  }
  return (
    <>
      <button type="button" class="primary" onClick={() => void retry()}>
        Retry
      </button>
      <FormMessage message={message()} />
    </>
  );
}
