import { ConstraintError, IllegalMoveError, StorageFullError, UnknownJobError, fail, ok, type Result } from './errors';
import type { JobEvent, JobFilter, JobPage, JobRange, PageCursor, RunFile, StateCounts, SyncJobRow, SyncQueue, TransitionPatch } from './db/queue';
import { intakeRun } from './files/intake';
import type { FileStore } from './files/store';
import { MAX_ATTEMPTS } from './queue/backoff';
import { formatFailure } from './queue/classify';
import { NasPathError, joinNasPath, nasPathFromTemplate, safeSegment } from './queue/nasPath';
import { SyncJobState, canDelete, canRetry, isLegalMove, isSyncJobState, planFailure } from './queue/state';
import type { EngineStatus, Progress, SyncEngine } from './sync/engine';
import { type Settings, validateSettings } from './sync/settings';
import { type Diagnosis, testConnection } from './sync/testConnection';
import type { DavClient } from './webdav/client';

export type { JobEvent, JobFilter, JobPage, JobRange, PageCursor, RunFile, StateCounts, SyncJobRow } from './db/queue';
export type { ApiError, Result } from './errors';
export type { EngineStatus, Progress } from './sync/engine';
export type { Settings } from './sync/settings';
export type { Diagnosis } from './sync/testConnection';

/** Who holds the database: this tab's worker, another tab (we wait and take over), or nobody yet. */
export type Ownership =
  | { status: 'starting' }
  | { status: 'owner' }
  | { status: 'elsewhere' }
  | { status: 'error'; message: string };

/** What the worker pushes to the page: no polling anywhere. */
export type WorkerEvent =
  | { type: 'ownership'; ownership: Ownership }
  | { type: 'jobs-changed'; ids: string[] }
  | { type: 'progress'; progress: Progress }
  | { type: 'engine'; status: EngineStatus };

export interface NewRun {
  equipmentId: string;
  runName: string;
  /** Each file with its path inside the run; File objects cross to the worker without being copied. */
  files: { relPath: string; file: Blob }[];
}

export interface EnqueueInput {
  equipmentId: string;
  runPath: string;
  nasPath?: string | null;
}

export interface ListOptions {
  state?: SyncJobState;
  after?: PageCursor | null;
  limit?: number;
}

/** The whole contract between the page and the worker. Every method resolves; refusals come back as data. */
export interface WorkerApi {
  /** Register a callback for pushed events; it is called at once with the current ownership. */
  subscribe(listener: (event: WorkerEvent) => void): void;
  /** Ask the tab that owns the database to hand it to this one ("use here"). */
  takeOver(): Promise<void>;
  /** Add a QUEUED job; refused when the input is invalid or the run path is already queued. */
  enqueue(input: EnqueueInput): Promise<Result<SyncJobRow>>;
  /** Add many jobs in one transaction, all or none; returns how many were added. */
  enqueueMany(inputs: EnqueueInput[]): Promise<Result<number>>;
  /** One page of jobs in enqueue order, optionally of one state (at most 500 a page). */
  list(options?: ListOptions): Promise<Result<JobPage>>;
  /** A window of the filtered list, newest first, with the filter's total: what the virtual list shows. */
  listRange(filter: JobFilter, offset: number, limit: number): Promise<Result<JobRange>>;
  /** The equipment ids of the queue, for the filter and the New run form's suggestions. */
  equipmentIds(): Promise<Result<string[]>>;
  /** Number of jobs in each state. */
  counts(): Promise<Result<StateCounts>>;
  /** One job, or null when there is none with that id. */
  get(jobId: string): Promise<Result<SyncJobRow | null>>;
  /** A legal state move (queue/state.ts) with the seed's column patch; an illegal one changes nothing. */
  move(jobId: string, to: SyncJobState, patch?: TransitionPatch): Promise<Result<SyncJobRow>>;
  /** Record a failure with the seed's backoff; `terminal` (auth, file gone) fails the job at once. */
  recordFailure(jobId: string, failure: { error: string; terminal?: boolean }): Promise<Result<SyncJobRow>>;
  /** Retry a FAILED job: back to QUEUED with a fresh backoff schedule. */
  retry(jobId: string): Promise<Result<SyncJobRow>>;
  /** Retry every FAILED job at once; returns how many were re-queued. */
  retryAll(): Promise<Result<number>>;
  /** An operator stops a run for good: FAILED at once with the reason given; its files stay on the device. */
  stopSyncing(jobId: string, reason: string): Promise<Result<SyncJobRow>>;
  /** Delete a FAILED or CLEANED job and the run's files on this device (never on the NAS); says what went. */
  discard(jobId: string): Promise<Result<{ files: number; bytes: number }>>;
  /** Store a run's files on the device and queue it; refused (nothing kept) on bad names or a full device. */
  addRun(run: NewRun, onProgress?: (bytesDone: number, bytesTotal: number) => void): Promise<Result<SyncJobRow>>;
  /** The files of a job, with what has been uploaded. */
  files(jobId: string): Promise<Result<RunFile[]>>;
  /** A job's history, oldest first. */
  history(jobId: string): Promise<Result<JobEvent[]>>;
  /** Bytes and file counts of the jobs named. */
  runSizes(jobIds: string[]): Promise<Result<Record<string, { files: number; bytes: number }>>>;
  /** The current settings. */
  getSettings(): Promise<Result<Settings>>;
  /** Change settings; refused with the reason when a value cannot be used. */
  updateSettings(patch: Partial<Settings>): Promise<Result<Settings>>;
  /** Try the NAS with the current settings and say precisely what is wrong. */
  testConnection(): Promise<Result<Diagnosis>>;
  /** What the engine is doing or waiting for. */
  engineStatus(): Promise<Result<EngineStatus>>;
  /** Stop starting work and resolve when no upload or verify is in flight: the app may then be replaced. */
  prepareForUpdate(): Promise<Result<void>>;
  /** Undo prepareForUpdate (the user put the update off). */
  resumeAfterUpdateDeclined(): Promise<Result<void>>;
}

export interface ApiDeps {
  /** The queue while this tab owns the database, else null. */
  queue: () => SyncQueue | null;
  engine: () => SyncEngine | null;
  files: FileStore;
  settings: () => Settings;
  saveSettings: (next: Settings) => Promise<void>;
  dav: (settings: Settings) => DavClient;
  now: () => number;
  freeBytes: () => Promise<number | null>;
  ownership: () => Ownership;
  subscribe: (listener: (event: WorkerEvent) => void) => void;
  takeOver: () => Promise<void>;
}

const MAX_PAGE = 500;
const MAX_EQUIPMENT_ID_CHARS = 64;
const MAX_RUN_PATH_CHARS = 1024;
// C0/C1 controls and bidirectional overrides make a name display as something it is not.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export function createWorkerApi(deps: ApiDeps): WorkerApi {
  async function withQueue<T>(run: (queue: SyncQueue) => Promise<T>): Promise<Result<T>> {
    const queue = deps.queue();
    if (!queue) {
      return fail('not-owner', 'exlab-sync is open in another tab or window; use it there or choose "Use here".');
    }
    try {
      return ok(await run(queue));
    } catch (err) {
      return refusal(err);
    }
  }

  return {
    subscribe(listener) {
      deps.subscribe(listener);
      listener({ type: 'ownership', ownership: deps.ownership() });
    },
    takeOver: () => deps.takeOver(),

    async enqueue(input) {
      const problem = validateEnqueue(input);
      if (problem) return fail('invalid-input', problem);
      const res = await withQueue((q) => q.insert(normalise(input, deps)));
      if (res.ok) deps.engine()?.wake();
      return res;
    },

    async enqueueMany(inputs) {
      for (const [i, input] of inputs.entries()) {
        const problem = validateEnqueue(input);
        if (problem) return fail('invalid-input', `item ${i + 1}: ${problem}`);
      }
      const res = await withQueue(async (q) => (await q.insertMany(inputs.map((i) => normalise(i, deps)))).length);
      if (res.ok) deps.engine()?.wake();
      return res;
    },

    async addRun(run, onProgress) {
      const res = await withQueue((queue) =>
        intakeRun(
          { queue, files: deps.files, settings: deps.settings(), now: deps.now(), freeBytes: deps.freeBytes, onProgress },
          { equipmentId: run.equipmentId, runName: run.runName, files: run.files.map((f) => ({ relPath: f.relPath, body: f.file })) },
        ),
      );
      if (res.ok) deps.engine()?.wake();
      return res;
    },

    files: (jobId) => withQueue((q) => q.listFiles(jobId)),
    history: (jobId) => withQueue((q) => q.listEvents(jobId)),
    runSizes: (jobIds) => withQueue((q) => q.runSizes(jobIds)),

    async getSettings() {
      return ok(deps.settings());
    },

    async updateSettings(patch) {
      const next = { ...deps.settings(), ...patch };
      const problem = validateSettings(next);
      if (problem) return fail('invalid-input', problem);
      const res = await withQueue(async () => {
        await deps.saveSettings(next);
        return next;
      });
      if (res.ok) deps.engine()?.wake();
      return res;
    },

    async testConnection() {
      return ok(await testConnection(deps.dav(deps.settings())));
    },

    async prepareForUpdate() {
      await deps.engine()?.holdForUpdate();
      return ok(undefined);
    },

    async resumeAfterUpdateDeclined() {
      deps.engine()?.release();
      return ok(undefined);
    },

    async engineStatus() {
      const engine = deps.engine();
      return engine ? ok(engine.status()) : fail('not-owner', 'The sync engine runs in the tab that owns the queue.');
    },

    async list(options = {}) {
      if (options.state !== undefined && !isSyncJobState(options.state)) {
        return fail('invalid-input', `unknown state ${JSON.stringify(options.state)}`);
      }
      const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(options.limit ?? 100)));
      return withQueue((q) => q.listPage({ state: options.state, after: options.after ?? null, limit }));
    },

    async listRange(filter, offset, limit) {
      if (filter.state !== undefined && !isSyncJobState(filter.state)) {
        return fail('invalid-input', `unknown state ${JSON.stringify(filter.state)}`);
      }
      const search = typeof filter.search === 'string' ? filter.search.trim().slice(0, MAX_RUN_PATH_CHARS) : '';
      const equipmentId = typeof filter.equipmentId === 'string' ? filter.equipmentId : '';
      const from = Math.max(0, Math.floor(offset) || 0);
      const n = Math.max(1, Math.min(MAX_PAGE, Math.floor(limit) || 100));
      return withQueue((q) =>
        q.listRange({ state: filter.state, equipmentId: equipmentId || undefined, search: search || undefined }, from, n),
      );
    },

    equipmentIds: () => withQueue((q) => q.equipmentIds()),

    counts: () => withQueue((q) => q.countByState()),

    get: (jobId) => withQueue((q) => q.getById(jobId)),

    async move(jobId, to, patch = {}) {
      if (!isSyncJobState(to)) return fail('invalid-input', `unknown state ${JSON.stringify(to)}`);
      return withQueue((q) =>
        q.transition(jobId, to, patch, (job) => {
          if (!isLegalMove(job.state, to)) {
            throw new IllegalMoveError(`a ${job.state} job cannot move to ${to}`);
          }
        }),
      );
    },

    async recordFailure(jobId, failure) {
      const error = String(failure.error ?? '').trim();
      if (!error) return fail('invalid-input', 'Say what went wrong: the failure reason is empty.');
      const terminal = failure.terminal ?? false;
      return withQueue((q) =>
        q.recordFailure(jobId, error, { terminal, event: { detail: `recorded by hand: ${error}` } }, (job) => {
          const target = planFailure(job, terminal, MAX_ATTEMPTS);
          if (!isLegalMove(job.state, target)) {
            throw new IllegalMoveError(`a failure cannot be recorded on a ${job.state} job`);
          }
        }),
      );
    },

    async retry(jobId) {
      const res = await withQueue((q) =>
        q.resetToQueued(jobId, (job) => {
          if (!canRetry(job.state)) throw new IllegalMoveError(`only a failed job can be retried; this one is ${job.state}`);
        }),
      );
      if (res.ok) deps.engine()?.wake();
      return res;
    },

    async retryAll() {
      const res = await withQueue(async (q) => (await q.resetAllFailed()).length);
      if (res.ok) deps.engine()?.wake();
      return res;
    },

    async stopSyncing(jobId, reason) {
      const why = String(reason ?? '').trim();
      if (!why) return fail('invalid-input', 'Say why this run should not be synced; the reason is kept in its history.');
      return withQueue((q) =>
        q.recordFailure(jobId, formatFailure('stopped_by_operator', why), { terminal: true, event: { kind: 'stopped', detail: why } }, (job) => {
          if (!isLegalMove(job.state, SyncJobState.FAILED)) throw new IllegalMoveError(`a ${job.state} run cannot be stopped`);
        }),
      );
    },

    discard: (jobId) =>
      withQueue(async (q) => {
        // Read before the row goes (its file list goes with it). The row goes first: a crash between the
        // two leaves an orphan folder, which start-up sweeps away, never a job whose files are half gone.
        const size = (await q.runSizes([jobId]))[jobId];
        let cleaned = false;
        await q.delete(jobId, (job) => {
          if (!canDelete(job.state)) {
            throw new IllegalMoveError(`a ${job.state} job is still being synced; only failed or finished runs can be discarded`);
          }
          cleaned = job.state === SyncJobState.CLEANED;
        });
        await deps.files.deleteRun(jobId);
        return cleaned ? { files: 0, bytes: 0 } : size;
      }),
  };
}

/** A job queued by path alone gets its NAS folder from the template, the run path's last part as its name. */
function normalise(input: EnqueueInput, deps: ApiDeps) {
  const equipmentId = input.equipmentId.trim();
  const runPath = input.runPath.trim();
  const runName = runPath.split(/[/\\]/).filter(Boolean).pop() ?? runPath;
  const d = new Date(deps.now());
  const date = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  const nasPath =
    input.nasPath ??
    joinNasPath(
      nasPathFromTemplate(deps.settings().pathTemplate, {
        equipment_id: safeSegment(equipmentId, 'The equipment id'),
        run_name: safeSegment(runName, 'The run name'),
        date,
      }),
    );
  return { equipmentId, runPath, nasPath };
}

/** Why the input cannot be queued, in words a technician can act on; null when it can. */
export function validateEnqueue(input: EnqueueInput): string | null {
  const equipmentId = typeof input?.equipmentId === 'string' ? input.equipmentId.trim() : '';
  const runPath = typeof input?.runPath === 'string' ? input.runPath.trim() : '';
  if (!equipmentId) return 'Enter the equipment id (for example "hplc-02").';
  if (equipmentId.length > MAX_EQUIPMENT_ID_CHARS) {
    return `The equipment id is ${equipmentId.length} characters long; use at most ${MAX_EQUIPMENT_ID_CHARS}.`;
  }
  if (UNSAFE_CHARS.test(equipmentId)) return 'The equipment id contains control characters; type it again.';
  if (!runPath) return 'Enter the run path (the run\'s folder on this device).';
  if (runPath.length > MAX_RUN_PATH_CHARS) {
    return `The run path is ${runPath.length} characters long; use at most ${MAX_RUN_PATH_CHARS}.`;
  }
  if (UNSAFE_CHARS.test(runPath)) return 'The run path contains control characters; type it again.';
  return null;
}

function refusal(err: unknown): Result<never> {
  if (err instanceof StorageFullError) return fail('storage', err.message);
  if (err instanceof NasPathError || err instanceof RangeError) return fail('invalid-input', err.message);
  if (err instanceof UnknownJobError) return fail('unknown-job', `There is no job ${err.jobId}; it may have been deleted.`);
  if (err instanceof IllegalMoveError) return fail('illegal-move', err.message);
  if (err instanceof ConstraintError) {
    if (err.column === 'run_path') return fail('duplicate-run-path', 'This run path is already in the queue.');
    if (err.column === 'id') return fail('invalid-input', 'A job with this id already exists.');
    return fail('invalid-input', err.message);
  }
  const code = (err as { resultCode?: number }).resultCode;
  if (typeof code === 'number' && (code & 0xff) === 13 /* SQLITE_FULL */) {
    return fail('storage', 'The device storage is full; free some space, then try again.');
  }
  throw err;
}
