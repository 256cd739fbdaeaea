import { batch, createSignal } from 'solid-js';
import { createStore } from 'solid-js/store';
import type {
  Diagnosis,
  EngineStatus,
  JobEvent,
  JobFilter,
  JobRange,
  NewRun,
  Ownership,
  Progress,
  PageSettings,
  Result,
  RunFile,
  SettingsPatch,
  StateCounts,
  SyncJobRow,
  WorkerEvent,
} from '../../worker/contract';
import { api, proxy } from '../worker';

export interface QueueStore {
  ownership: () => Ownership;
  /** Goes up (at most once a frame) whenever the worker commits a change to any job. */
  version: () => number;
  counts: () => StateCounts | null;
  equipmentIds: () => string[];
  listRange(filter: JobFilter, offset: number, limit: number): Promise<Result<JobRange>>;
  get(jobId: string): Promise<Result<SyncJobRow | null>>;
  files(jobId: string): Promise<Result<RunFile[]>>;
  history(jobId: string): Promise<Result<JobEvent[]>>;
  recordFailure(jobId: string, error: string, terminal: boolean): Promise<Result<SyncJobRow>>;
  stopSyncing(jobId: string, reason: string): Promise<Result<SyncJobRow>>;
  retry(jobId: string): Promise<Result<SyncJobRow>>;
  retryAll(): Promise<Result<number>>;
  discard(jobId: string): Promise<Result<{ files: number; bytes: number }>>;
  takeOver(): Promise<void>;
  progress: Record<string, Progress | undefined>;
  sizes: Record<string, { files: number; bytes: number } | undefined>;
  /** Fetch the sizes of these jobs, once each. */
  loadSizes(jobIds: string[]): void;
  engine: () => EngineStatus | null;
  addRun(run: NewRun, onProgress: (done: number, total: number) => void): Promise<Result<SyncJobRow>>;
  getSettings(): Promise<Result<PageSettings>>;
  /** The settings as last read or saved (never the password: the worker keeps it). */
  settings: () => PageSettings | null;
  updateSettings(patch: SettingsPatch): Promise<Result<PageSettings>>;
  testConnection(): Promise<Result<Diagnosis>>;
}

const REFRESH_MS = 250;

/** The page's view of the queue: counts and a change counter the views refetch on, pushed by the worker. */
export function createQueueStore(): QueueStore {
  const [ownership, setOwnership] = createSignal<Ownership>({ status: 'starting' });
  const [progress, setProgress] = createStore<Record<string, Progress | undefined>>({});
  const [engine, setEngine] = createSignal<EngineStatus | null>(null);
  const [settings, setSettings] = createSignal<PageSettings | null>(null);
  const counts = createCountsFeed();

  const onEvent = (event: WorkerEvent) => {
    if (event.type === 'ownership') {
      setOwnership(event.ownership);
      if (event.ownership.status === 'owner') {
        // The rows on screen first: the views ask for them as soon as the queue is open, before the counts.
        counts.rowsNow();
        counts.scheduleRefresh();
        void api.engineStatus().then((r) => r.ok && setEngine(r.value));
        void api.getSettings().then((r) => r.ok && setSettings(r.value));
      }
    } else if (event.type === 'progress') {
      setProgress(event.progress.jobId, event.progress);
    } else if (event.type === 'engine') {
      setEngine(event.status);
    } else {
      counts.scheduleRefresh();
    }
  };
  void api.subscribe(proxy(onEvent));

  return {
    ...workerCalls,
    ...createSizes(),
    ownership,
    version: counts.version,
    counts: counts.counts,
    equipmentIds: counts.equipmentIds,
    progress,
    engine,
    settings,
    async updateSettings(patch) {
      const res = await api.updateSettings(patch);
      if (res.ok) setSettings(res.value);
      return res;
    },
  };
}

/** The calls that go straight to the worker. */
const workerCalls: Pick<
  QueueStore,
  | 'listRange'
  | 'get'
  | 'files'
  | 'history'
  | 'recordFailure'
  | 'stopSyncing'
  | 'retry'
  | 'retryAll'
  | 'discard'
  | 'takeOver'
  | 'addRun'
  | 'getSettings'
  | 'testConnection'
> = {
  listRange: (filter, offset, limit) => api.listRange(filter, offset, limit),
  get: (jobId) => api.get(jobId),
  files: (jobId) => api.files(jobId),
  history: (jobId) => api.history(jobId),
  recordFailure: (jobId, error, terminal) => api.recordFailure(jobId, { error, terminal }),
  stopSyncing: (jobId, reason) => api.stopSyncing(jobId, reason),
  retry: (jobId) => api.retry(jobId),
  retryAll: () => api.retryAll(),
  discard: (jobId) => api.discard(jobId),
  takeOver: () => api.takeOver(),
  addRun: (run, onProgress) => api.addRun(run, proxy(onProgress)),
  getSettings: () => api.getSettings(),
  testConnection: () => api.testConnection(),
};

/** The counts per state, the equipment ids and the change counter, read again after the worker commits. */
function createCountsFeed() {
  const [version, setVersion] = createSignal(0);
  const [counts, setCounts] = createSignal<StateCounts | null>(null);
  const [equipmentIds, setEquipmentIds] = createSignal<string[]>([]);

  let lastTotal = -1;
  async function refresh(): Promise<void> {
    const c = await api.counts();
    const total = c.ok ? Object.values(c.value).reduce((a, b) => a + b, 0) : lastTotal;
    batch(() => {
      if (c.ok) setCounts(c.value);
      setVersion((v) => v + 1);
    });
    // The equipment list changes only when jobs come or go; scanning for it on every state change would
    // cost a 100,000-job queue a full scan several times a second. Asked after the rows: it is the
    // slowest read of the page (80 ms on 100,000 jobs) and only the filter needs it.
    if (total === lastTotal) return;
    lastTotal = total;
    const e = await api.equipmentIds();
    if (e.ok) setEquipmentIds(e.value);
  }

  // Commits come in bursts (a batch enqueue, an engine at work on many small files): the views refresh
  // at most every REFRESH_MS, so the worker spends its time on the work rather than on the page's reads.
  let refreshQueued = false;
  let lastRefreshMs = 0;
  function scheduleRefresh(): void {
    if (refreshQueued) return;
    refreshQueued = true;
    const wait = Math.max(0, lastRefreshMs + REFRESH_MS - performance.now());
    setTimeout(() => {
      requestAnimationFrame(() => {
        refreshQueued = false;
        lastRefreshMs = performance.now();
        void refresh();
      });
    }, wait);
  }

  /** The views read their rows again now, without waiting for the counts. */
  const rowsNow = () => setVersion((v) => v + 1);

  return { version, counts, equipmentIds, scheduleRefresh, rowsNow };
}

/** Each job's file count and bytes, fetched once per job as rows come on screen. */
function createSizes(): Pick<QueueStore, 'sizes' | 'loadSizes'> {
  const [sizes, setSizes] = createStore<Record<string, { files: number; bytes: number } | undefined>>({});
  const sizesAsked = new Set<string>();
  return {
    sizes,
    loadSizes(jobIds) {
      const unknown = jobIds.filter((id) => !sizesAsked.has(id));
      if (!unknown.length) return;
      for (const id of unknown) sizesAsked.add(id);
      void api.runSizes(unknown).then((r) => r.ok && setSizes(r.value));
    },
  };
}
