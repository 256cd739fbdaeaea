import { ConstraintError, DatabaseFullError, IllegalMoveError, StorageFullError, UnknownJobError, fail, ok, type Result } from './errors';
import type { Stores } from './db/stores';
import { intakeRun } from './files/intake';
import type { FileStore } from './files/store';
import { MAX_ATTEMPTS } from '../shared/backoff';
import { formatFailure } from '../shared/failures';
import { NasPathError, planRunFolder } from '../shared/nasPath';
import { SyncJobState, canDelete, canRetry, isLegalMove, isSyncJobState, planFailure } from '../shared/state';
import type { SyncEngine } from './sync/engine';
import { type Settings, validateSettings } from '../shared/settings';
import { testConnection } from './sync/testConnection';
import type { DavClient } from './webdav/client';

import type { EnqueueInput, Ownership, WorkerApi, WorkerEvent } from './contract';

export type * from './contract';

export interface ApiDeps {
  /** The stores while this tab owns the database, else null. */
  stores: () => Stores | null;
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
  async function withQueue<T>(run: (stores: Stores) => Promise<T>): Promise<Result<T>> {
    const stores = deps.stores();
    if (!stores) {
      return fail('not-owner', 'exlab-sync is open in another tab or window; use it there or choose "Use here".');
    }
    try {
      return ok(await run(stores));
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
      const res = await withQueue((s) => s.queue.insert(normalise(input, deps)));
      if (res.ok) deps.engine()?.wake();
      return res;
    },

    async enqueueMany(inputs) {
      for (const [i, input] of inputs.entries()) {
        const problem = validateEnqueue(input);
        if (problem) return fail('invalid-input', `item ${i + 1}: ${problem}`);
      }
      const res = await withQueue(async (s) => (await s.bulk.insertMany(inputs.map((i) => normalise(i, deps)))).length);
      if (res.ok) deps.engine()?.wake();
      return res;
    },

    async addRun(run, onProgress) {
      const res = await withQueue(({ runFiles }) =>
        intakeRun(
          { runFiles, files: deps.files, settings: deps.settings(), now: deps.now(), freeBytes: deps.freeBytes, onProgress },
          { equipmentId: run.equipmentId, runName: run.runName, files: run.files.map((f) => ({ relPath: f.relPath, body: f.file })) },
        ),
      );
      if (res.ok) deps.engine()?.wake();
      return res;
    },

    files: (jobId) => withQueue((s) => s.runFiles.listFiles(jobId)),
    history: (jobId) => withQueue((s) => s.history.listEvents(jobId)),
    runSizes: (jobIds) => withQueue((s) => s.listing.runSizes(jobIds)),

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
      return withQueue((s) => s.listing.listPage({ state: options.state, after: options.after ?? null, limit }));
    },

    async listRange(filter, offset, limit) {
      if (filter.state !== undefined && !isSyncJobState(filter.state)) {
        return fail('invalid-input', `unknown state ${JSON.stringify(filter.state)}`);
      }
      const search = typeof filter.search === 'string' ? filter.search.trim().slice(0, MAX_RUN_PATH_CHARS) : '';
      const equipmentId = typeof filter.equipmentId === 'string' ? filter.equipmentId : '';
      const from = Math.max(0, Math.floor(offset) || 0);
      const n = Math.max(1, Math.min(MAX_PAGE, Math.floor(limit) || 100));
      return withQueue((s) =>
        s.listing.listRange({ state: filter.state, equipmentId: equipmentId || undefined, search: search || undefined }, from, n),
      );
    },

    equipmentIds: () => withQueue((s) => s.listing.equipmentIds()),

    counts: () => withQueue((s) => s.listing.countByState()),

    get: (jobId) => withQueue((s) => s.queue.getById(jobId)),

    async move(jobId, to, patch = {}) {
      if (!isSyncJobState(to)) return fail('invalid-input', `unknown state ${JSON.stringify(to)}`);
      return withQueue((s) =>
        s.queue.transition(jobId, to, patch, (job) => {
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
      return withQueue((s) =>
        s.queue.recordFailure(jobId, error, { terminal, event: { detail: `recorded by hand: ${error}` } }, (job) => {
          const target = planFailure(job, terminal, MAX_ATTEMPTS);
          if (!isLegalMove(job.state, target)) {
            throw new IllegalMoveError(`a failure cannot be recorded on a ${job.state} job`);
          }
        }),
      );
    },

    async retry(jobId) {
      const res = await withQueue((s) =>
        s.queue.resetToQueued(jobId, (job) => {
          if (!canRetry(job.state)) throw new IllegalMoveError(`only a failed job can be retried; this one is ${job.state}`);
        }),
      );
      if (res.ok) deps.engine()?.wake();
      return res;
    },

    async retryAll() {
      const res = await withQueue(async (s) => (await s.bulk.resetAllFailed()).length);
      if (res.ok) deps.engine()?.wake();
      return res;
    },

    async stopSyncing(jobId, reason) {
      const why = String(reason ?? '').trim();
      if (!why) return fail('invalid-input', 'Say why this run should not be synced; the reason is kept in its history.');
      return withQueue((s) =>
        s.queue.recordFailure(jobId, formatFailure('stopped_by_operator', why), { terminal: true, event: { kind: 'stopped', detail: why } }, (job) => {
          if (!isLegalMove(job.state, SyncJobState.FAILED)) throw new IllegalMoveError(`a ${job.state} run cannot be stopped`);
        }),
      );
    },

    discard: (jobId) =>
      withQueue(async (s) => {
        // Read before the row goes (its file list goes with it). The row goes first: a crash between the
        // two leaves an orphan folder, which start-up sweeps away, never a job whose files are half gone.
        const size = (await s.listing.runSizes([jobId]))[jobId];
        let cleaned = false;
        await s.queue.delete(jobId, (job) => {
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
  const nasPath = input.nasPath ?? planRunFolder(deps.settings().pathTemplate, { equipmentId, runName }, deps.now());
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
  if (err instanceof StorageFullError || err instanceof DatabaseFullError) return fail('storage', err.message);
  if (err instanceof NasPathError || err instanceof RangeError) return fail('invalid-input', err.message);
  if (err instanceof UnknownJobError) return fail('unknown-job', `There is no job ${err.jobId}; it may have been deleted.`);
  if (err instanceof IllegalMoveError) return fail('illegal-move', err.message);
  if (err instanceof ConstraintError) {
    if (err.column === 'run_path') return fail('duplicate-run-path', 'This run path is already in the queue.');
    if (err.column === 'id') return fail('invalid-input', 'A job with this id already exists.');
    return fail('invalid-input', err.message);
  }
  throw err;
}
