import { createEffect, createResource, createSignal, For, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { SyncJobRow } from '../../worker/contract';
import { FormMessage, type Message, ProblemRow } from '../components';
import { useStore } from '../store';

const SHOWN = 200;

/** The failed jobs, each with its reason and what to do; Retry all re-queues them in one go. */
export function ProblemsPage() {
  const store = useStore();
  const [message, setMessage] = createSignal<Message | null>(null);
  const [failed] = createResource(
    () => store.version(),
    async () => {
      const res = await store.listRange({ state: 'failed' }, 0, SHOWN);
      return res.ok ? res.value : { total: 0, offset: 0, jobs: [] };
    },
  );
  // Rows keep their identity across refreshes (reconciled by id): a row rebuilt on every change would
  // close a Discard dialog under the technician's finger.
  const [jobs, setJobs] = createStore<SyncJobRow[]>([]);
  createEffect(() => {
    const latest = failed.latest;
    if (latest) setJobs(reconcile(latest.jobs, { key: 'id' }));
  });
  async function retryAll() {
    const res = await store.retryAll();
    setMessage(
      res.ok ? { kind: 'ok', text: `Re-queued ${res.value} run${res.value === 1 ? '' : 's'}` } : { kind: 'error', text: res.error.message },
    );
  }
  return (
    <>
      <div class="view-head">
        <h2 class="view-title">Problems</h2>
        <Show when={(failed.latest?.total ?? 0) > 1}>
          <button type="button" class="primary push" onClick={() => void retryAll()}>
            Retry all ({failed.latest!.total})
          </button>
        </Show>
      </div>
      <FormMessage message={message()} />
      <section class="card" aria-label="Failed runs">
        <Show when={failed.latest?.jobs.length} fallback={<p class="empty">No problems: nothing has failed.</p>}>
          <ul class="jobs problems">
            <For each={jobs}>{(job) => <ProblemRow job={job} />}</For>
          </ul>
          <Show when={failed.latest!.total > SHOWN}>
            <p class="muted">
              The {SHOWN} newest of {failed.latest!.total} failed runs are shown; Retry all takes every one.
            </p>
          </Show>
        </Show>
      </section>
    </>
  );
}
