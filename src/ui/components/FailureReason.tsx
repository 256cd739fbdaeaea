import { Show } from 'solid-js';
import { plainReason } from '../../shared/plainReason';

/** Why a job failed, in plain words, with the stored error one tap away; nothing when there is no error. */
export function FailureReason(props: { lastError: string | null; testid: string; fallback?: string }) {
  const reason = () => plainReason(props.lastError);
  return (
    <Show
      when={reason()}
      fallback={
        <Show when={props.fallback}>
          <p class="reason" data-testid={props.testid}>
            {props.fallback}
          </p>
        </Show>
      }
    >
      {(r) => (
        <div class="problem-box">
          <p class="reason" data-testid={props.testid}>
            {r().text}
          </p>
          <details>
            <summary>Technical detail</summary>
            <code data-testid="job-last-error">{r().detail}</code>
          </details>
        </div>
      )}
    </Show>
  );
}
