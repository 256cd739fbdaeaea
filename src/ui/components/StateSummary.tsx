import { For } from 'solid-js';
import { ALL_STATES } from '../../worker/queue/state';
import { useStore } from '../store';
import { STATE_LABELS } from '../store/format';

/** Counts per state; each is also the filter button for that state. */
export function StateSummary() {
  const store = useStore();
  return (
    <nav class="summary" aria-label="Jobs by state">
      <button type="button" aria-pressed={store.filter() === null} onClick={() => store.setFilter(null)}>
        All <span class="count">{Object.values(store.counts() ?? {}).reduce((a, b) => a + b, 0)}</span>
      </button>
      <For each={ALL_STATES}>
        {(state) => (
          <button
            type="button"
            class={`state-${state}`}
            data-state={state}
            aria-pressed={store.filter() === state}
            onClick={() => store.setFilter(store.filter() === state ? null : state)}
          >
            {STATE_LABELS[state]} <span class="count">{store.counts()?.[state] ?? 0}</span>
          </button>
        )}
      </For>
    </nav>
  );
}
