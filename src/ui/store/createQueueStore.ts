import { batch, createSignal } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type {
  Diagnosis,
  EngineStatus,
  EnqueueInput,
  JobPage,
  NewRun,
  Ownership,
  PageCursor,
  Progress,
  Result,
  Settings,
  StateCounts,
  SyncJobRow,
  WorkerEvent,
} from '../../worker/api';
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
  progress: Record<string, Progress | undefined>;
  sizes: Record<string, { files: number; bytes: number } | undefined>;
  engine: () => EngineStatus | null;
  addRun(run: NewRun, onProgress: (done: number, total: number) => void): Promise<Result<SyncJobRow>>;
  getSettings(): Promise<Result<Settings>>;
  /** The settings as last read or saved. */
  settings: () => Settings | null;
  updateSettings(patch: Partial<Settings>): Promise<Result<Settings>>;
  testConnection(): Promise<Result<Diagnosis>>;
}

/** The page's view of the queue: the first pages of jobs and the counts, refreshed when the worker pushes. */
export function createQueueStore(): QueueStore {
  const [ownership, setOwnership] = createSignal<Ownership>({ status: 'starting' });
  const [counts, setCounts] = createSignal<StateCounts | null>(null);
  const [filter, setFilterSignal] = createSignal<SyncJobState | null>(null);
  const [cursor, setCursor] = createSignal<PageCursor | null>(null);
  const [jobs, setJobs] = createStore<SyncJobRow[]>([]);
  const [progress, setProgress] = createStore<Record<string, Progress | undefined>>({});
  const [sizes, setSizes] = createStore<Record<string, { files: number; bytes: number } | undefined>>({});
  const [engine, setEngine] = createSignal<EngineStatus | null>(null);
  const [settings, setSettings] = createSignal<Settings | null>(null);
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
    const unknownSizes = collected.map((j) => j.id).filter((id) => !sizes[id]);
    const s = unknownSizes.length ? await api.runSizes(unknownSizes) : null;
    batch(() => {
      setJobs(reconcile(collected, { key: 'id' }));
      setCursor(after);
      if (c.ok) setCounts(c.value);
      if (s?.ok) setSizes(s.value);
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
      if (event.ownership.status === 'owner') {
        scheduleRefresh();
        void api.engineStatus().then((r) => r.ok && setEngine(r.value));
        void api.getSettings().then((r) => r.ok && setSettings(r.value));
      }
    } else if (event.type === 'progress') {
      setProgress(event.progress.jobId, event.progress);
    } else if (event.type === 'engine') {
      setEngine(event.status);
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
    progress,
    sizes,
    engine,
    addRun: (run, onProgress) => api.addRun(run, proxy(onProgress)),
    getSettings: () => api.getSettings(),
    settings,
    async updateSettings(patch) {
      const res = await api.updateSettings(patch);
      if (res.ok) setSettings(res.value);
      return res;
    },
    testConnection: () => api.testConnection(),
  };
}
