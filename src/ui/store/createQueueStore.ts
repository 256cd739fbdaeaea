import { batch, createSignal } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { EnqueueInput, JobPage, Ownership, PageCursor, Result, StateCounts, SyncJobRow, WorkerEvent } from '../../worker/api';
import type { SyncJobState } from '../../worker/queue/state';
import { api, proxy } from '../worker';

const PAGE_SIZE = 200;

export interface QueueStore {
  ownership: () => Ownership;
  jobs: SyncJobRow[];
  counts: () => StateCounts | null;
  filter: () => SyncJobState | null;
  hasMore: () => boolean;
  setFilter(state: SyncJobState | null): void;
  loadMore(): Promise<void>;
  enqueue(input: EnqueueInput): Promise<Result<SyncJobRow>>;
  recordFailure(jobId: string, error: string, terminal: boolean): Promise<Result<SyncJobRow>>;
  retry(jobId: string): Promise<Result<SyncJobRow>>;
  remove(jobId: string): Promise<Result<void>>;
  takeOver(): Promise<void>;
}

/** The page's view of the queue: the first pages of jobs and the counts, refreshed when the worker pushes. */
export function createQueueStore(): QueueStore {
  const [ownership, setOwnership] = createSignal<Ownership>({ status: 'starting' });
  const [counts, setCounts] = createSignal<StateCounts | null>(null);
  const [filter, setFilterSignal] = createSignal<SyncJobState | null>(null);
  const [cursor, setCursor] = createSignal<PageCursor | null>(null);
  const [jobs, setJobs] = createStore<SyncJobRow[]>([]);
  let pagesShown = 1;
  let refreshQueued = false;

  async function refresh(): Promise<void> {
    const collected: SyncJobRow[] = [];
    let after: PageCursor | null = null;
    for (let page = 0; page < pagesShown; page++) {
      const res: Result<JobPage> = await api.list({ state: filter() ?? undefined, after, limit: PAGE_SIZE });
      if (!res.ok) return;
      collected.push(...res.value.jobs);
      after = res.value.next;
      if (!after) break;
    }
    const c = await api.counts();
    batch(() => {
      setJobs(reconcile(collected, { key: 'id' }));
      setCursor(after);
      if (c.ok) setCounts(c.value);
    });
  }

  // Many commits in a row (a batch enqueue) cause one refresh, not one each.
  function scheduleRefresh(): void {
    if (refreshQueued) return;
    refreshQueued = true;
    requestAnimationFrame(() => {
      refreshQueued = false;
      void refresh();
    });
  }

  const onEvent = (event: WorkerEvent) => {
    if (event.type === 'ownership') {
      setOwnership(event.ownership);
      if (event.ownership.status === 'owner') scheduleRefresh();
    } else {
      scheduleRefresh();
    }
  };
  void api.subscribe(proxy(onEvent));

  return {
    ownership,
    jobs,
    counts,
    filter,
    hasMore: () => cursor() !== null,
    setFilter(state) {
      setFilterSignal(state);
      pagesShown = 1;
      void refresh();
    },
    async loadMore() {
      pagesShown++;
      await refresh();
    },
    enqueue: (input) => api.enqueue(input),
    recordFailure: (jobId, error, terminal) => api.recordFailure(jobId, { error, terminal }),
    retry: (jobId) => api.retry(jobId),
    remove: (jobId) => api.delete(jobId),
    takeOver: () => api.takeOver(),
  };
}
