import { For } from 'solid-js';
import type { SyncJobState } from '../../shared/state';
import { ALL_STATES } from '../../shared/state';
import { useStore } from '../store';
import { STATE_LABELS } from '../store/format';

/** Counts per state; each is also the filter button for that state. */
export function StateSummary(props: { state: SyncJobState | null; onState: (state: SyncJobState | null) => void }) {
  const store = useStore();
  return (
    <nav class="summary" aria-label="Jobs by state">
      <button type="button" aria-pressed={props.state === null} onClick={() => props.onState(null)}>
        All <span class="count">{Object.values(store.counts() ?? {}).reduce((a, b) => a + b, 0)}</span>
      </button>
      <For each={ALL_STATES}>
        {(state) => (
          <button
            type="button"
            class={`state-${state}`}
            data-state={state}
            aria-pressed={props.state === state}
            onClick={() => props.onState(props.state === state ? null : state)}
          >
            <span class="dot" aria-hidden="true" />
            {STATE_LABELS[state]} <span class="count">{store.counts()?.[state] ?? 0}</span>
          </button>
        )}
      </For>
    </nav>
  );
}
