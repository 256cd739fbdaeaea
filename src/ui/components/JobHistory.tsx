import { For, Show } from 'solid-js';
import type { JobEvent } from '../../worker/contract';
import { formatTime } from '../store/format';
import { eventLabel } from '../store/eventLabels';

/** What happened to a job, oldest first, in plain words. */
export function JobHistory(props: { events: JobEvent[] }) {
  return (
    <section class="card" aria-label="History">
      <h3>History</h3>
      <ol class="history" data-testid="job-history">
        <For each={props.events}>
          {(e) => (
            <li data-kind={e.kind}>
              <time dateTime={e.at}>{formatTime(e.at)}</time> <strong>{eventLabel(e.kind)}</strong>
              <Show when={e.detail}>
                <span class="muted"> — {e.detail}</span>
              </Show>
            </li>
          )}
        </For>
      </ol>
    </section>
  );
}
