// The whole contract between the page and the worker: `WorkerApi` and the plain data that crosses
// Comlink. The page imports types from here only, never run-time code from the worker.
import type { JobEvent } from './db/history';
import type { SyncJobRow } from './db/jobRows';
import type { JobFilter, JobPage, JobRange, PageCursor, StateCounts } from './db/listing';
import type { RunFile } from './db/runFiles';
import type { Result } from './errors';
import type { SyncJobState } from '../shared/state';
import type { PageSettings, SettingsPatch } from '../shared/settings';
import type { EngineStatus, Progress } from './sync/deps';
import type { Diagnosis } from './sync/testConnection';
import type { WorkerDiagnostics } from './api/diagnostics';
import type { DeviceIdentity } from './lab/deviceIdentity';
import type { LabRow } from '../shared/labOrder';

export type { JobEvent } from './db/history';
export type { SyncJobRow } from './db/jobRows';
export type { JobFilter, JobPage, JobRange, PageCursor, StateCounts } from './db/listing';
export type { RunFile } from './db/runFiles';
export type { TransitionPatch } from './db/jobRows';
export type { ApiError, Result } from './errors';
export type { EngineStatus, Progress } from './sync/deps';
export type { PageSettings, PasswordState, SettingsPatch } from '../shared/settings';
export type { Diagnosis } from './sync/testConnection';
export type { WorkerDiagnostics } from './api/diagnostics';
export type { DiagnosisCode } from '../shared/diagnosis';
export type { RefusalCode } from '../shared/refusals';
export type { DeviceIdentity } from './lab/deviceIdentity';
export type { Attention, LabRow } from '../shared/labOrder';
export type { DeviceReport } from '../shared/deviceReport';

/** The Lab view: every device's file on the NAS, what needs attention first. */
export interface LabView {
  /** The worker's clock when this was made (ISO): ages are counted from it. */
  now: string;
  /** When the rows were read from the NAS (ISO); null when they never were. */
  readAt: string | null;
  rows: LabRow[];
  /** Why the NAS could not be read now (the rows are then the last copy), or null. */
  unreachable: string | null;
  /**
   * Why this device's own file could not be written just now while the folder could be read (another
   * device's file where its own should be: two tablets share an id), or null.
   */
  ownFileProblem: string | null;
}

/** Who holds the database: this tab's worker, another tab (we wait and take over), or nobody yet. */
export type Ownership = { status: 'starting' } | { status: 'owner' } | { status: 'elsewhere' } | { status: 'error'; message: string };

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

export interface ListOptions {
  state?: SyncJobState;
  after?: PageCursor | null;
  limit?: number;
}

/**
 * The whole contract between the page and the worker. Every method resolves; refusals come back as data.
 * A job changes state only by the operator's actions below (each with its rule) or by the engine: there
 * is no general move, and no job without files (worker/testHooks.ts has both, for tests only).
 */
export interface WorkerApi {
  /** Register a callback for pushed events; it is called at once with the current ownership. */
  subscribe(listener: (event: WorkerEvent) => void): void;
  /** Ask the tab that owns the database to hand it to this one ("use here"). */
  takeOver(): Promise<void>;
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
  /** The current settings; never the password, only whether one is kept. */
  getSettings(): Promise<Result<PageSettings>>;
  /**
   * Change settings; refused (with the field) when a value cannot be used. `password` replaces the
   * password ('' clears it); the NAS URL is stored in the browser's normal form.
   */
  updateSettings(patch: SettingsPatch): Promise<Result<PageSettings>>;
  /**
   * Try the NAS with the current settings, changed by `typed` (what the form holds, not saved: nothing is
   * stored), and say precisely what is wrong. Refused (with the field) when a typed value cannot be used.
   */
  testConnection(typed?: SettingsPatch): Promise<Result<Diagnosis>>;
  /** The support file's facts: settings without the password, engine, counts, the last history lines, storage. */
  diagnostics(): Promise<Result<WorkerDiagnostics>>;
  /** What the engine is doing or waiting for. */
  engineStatus(): Promise<Result<EngineStatus>>;
  /** Stop starting work and resolve when no upload or verify is in flight: the app may then be replaced. */
  prepareForUpdate(): Promise<Result<void>>;
  /** Undo prepareForUpdate (the user put the update off). */
  resumeAfterUpdateDeclined(): Promise<Result<void>>;
  /** This device's id and name (the name is in the header, each run's claim and the Lab view). */
  device(): Promise<Result<DeviceIdentity>>;
  /** Rename this device; refused with what to do when the name cannot be used (empty, too long, control characters). */
  setDeviceName(name: string): Promise<Result<DeviceIdentity>>;
  /** Every device's state as the NAS has it (this device's written first), or the last copy read when the NAS cannot be reached. */
  lab(): Promise<Result<LabView>>;
}
