import { For, Show } from 'solid-js';
import { useStore } from '../store';
import { createNow } from '../store/createNow';
import { JobRow } from './JobRow';

/** The jobs of the current filter, a page at a time. */
export function JobList() {
  const store = useStore();
  const now = createNow();
  return (
    <section class="card" aria-label="Jobs">
      <Show when={store.jobs.length > 0} fallback={<p class="empty">No jobs here yet.</p>}>
        <ul class="jobs">
          <For each={store.jobs}>{(job) => <JobRow job={job} now={now()} />}</For>
        </ul>
      </Show>
      <Show when={store.hasMore()}>
        <button type="button" class="more" onClick={() => void store.loadMore()}>
          Show more
        </button>
      </Show>
    </section>
  );
}
