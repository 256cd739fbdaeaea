// worker/: the dedicated Web Worker that owns SQLite, the run files and the sync engine. main.ts is its
// entry, the only file that touches `self` or calls Comlink.expose; it builds the parts once.
import * as Comlink from 'comlink';
import type { SAHPoolUtil } from '@sqlite.org/sqlite-wasm';
import { type ApiDeps, createWorkerApi } from './api';
import type { Ownership, WorkerEvent } from './contract';
import { installPool, openDatabase } from './db/open';
import { type Stores, createStores } from './db/stores';
import { createOpfsFileStore } from './files/store';
import { startOwnership } from './ownership';
import type { Clock, Connectivity } from './sync/deps';
import { SyncEngine } from './sync/engine';
import { type PasswordState, type Settings, defaultSettings } from '../shared/settings';
import { loadSettings, saveSettings } from './savedSettings';
import { createPasswordVault } from './secrets/passwordVault';
import { sealingKeyFromIndexedDb } from './secrets/keyStore';
import { createPolicyBlocks } from './policyBlocks';
import { createDavClient } from './webdav/client';
import { xhrUpload } from './webdav/upload';
import { createTestHooks } from './testHooks';

const listeners = new Set<(event: WorkerEvent) => void>();
let ownership: Ownership = { status: 'starting' };
let stores: Stores | null = null;
let engine: SyncEngine | null = null;
let pool: SAHPoolUtil | null = null;
const defaults = defaultSettings(self.location.origin);
let settings: Settings = defaults;
let passwordState: PasswordState = 'not-set';
const vault = createPasswordVault(sealingKeyFromIndexedDb);
const files = createOpfsFileStore();
// Requests this worker's Content-Security-Policy refused: the connection test names the directive.
const policyBlocks = createPolicyBlocks();
self.addEventListener('securitypolicyviolation', (event) => {
  // SecurityPolicyViolationEvent is dispatched in workers too; the WebWorker lib does not type it.
  const e = event as unknown as { blockedURI: string; effectiveDirective: string };
  policyBlocks.record(e.blockedURI, e.effectiveDirective);
});

function emit(event: WorkerEvent): void {
  for (const listener of listeners) {
    // A listener whose page is gone rejects; it must not stop the others.
    Promise.resolve(listener(event)).catch(() => listeners.delete(listener));
  }
}

/** Commits within this long of each other are told to the page as one change. */
const CHANGES_COALESCE_MS = 50;
let changedIds: Set<string> | null = null;

/**
 * The page hears of commits at most every CHANGES_COALESCE_MS, with every job id they changed: a run
 * of 2,000 small files commits once per file, and each event is two messages and a refresh to schedule.
 */
function jobsChanged(ids: string[]): void {
  if (changedIds) {
    for (const id of ids) changedIds.add(id);
    return;
  }
  changedIds = new Set(ids);
  setTimeout(() => {
    const all = [...changedIds!];
    changedIds = null;
    emit({ type: 'jobs-changed', ids: all });
  }, CHANGES_COALESCE_MS);
}

const clock: Clock = {
  now: () => Date.now(),
  // The wake-up listener goes when the timer fires: the signal is composed with the engine's long-lived
  // stop signal, and a composed signal with a listener lives (with the listener) as long as its sources.
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    }),
};

type NetworkInformation = { type?: string; saveData?: boolean; addEventListener?: (t: string, l: () => void) => void };
const connection = (navigator as unknown as { connection?: NetworkInformation }).connection;
const connectivity: Connectivity = {
  online: () => navigator.onLine,
  metered: () => connection?.type === 'cellular' || connection?.saveData === true,
  onChange(listener) {
    self.addEventListener('online', listener);
    self.addEventListener('offline', listener);
    connection?.addEventListener?.('change', listener);
  },
};

const davFor = (s: Settings, signal?: AbortSignal) =>
  createDavClient({ baseUrl: s.nasUrl, username: s.username, password: s.password, upload: xhrUpload, signal });

// The previous owner's access handles are released a moment after its worker ends (50-280 ms measured).
const OPEN_RETRY_DELAYS_MS = [50, 100, 200, 400, 800, 1600];

async function openQueue(): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      if (!pool) pool = await installPool();
      else if (pool.isPaused()) await pool.unpauseVfs();
      const opened = createStores(() => openDatabase(pool!), {
        onCommit: jobsChanged,
      });
      await opened.queue.init();
      await sweepOrphans(opened);
      ({ settings, passwordState } = await loadSettings(opened.settings, vault, defaults));
      stores = opened;
      engine = new SyncEngine({
        stores: opened,
        files,
        clock,
        connectivity,
        settings: () => settings,
        dav: davFor,
        onProgress: (progress) => emit({ type: 'progress', progress }),
        onStatus: (status) => emit({ type: 'engine', status }),
      });
      engine.start();
      emit({ type: 'jobs-changed', ids: [] });
      return;
    } catch (err) {
      if (pool && !pool.isPaused()) pool.pauseVfs();
      if (attempt >= OPEN_RETRY_DELAYS_MS.length) throw err;
      await new Promise((r) => setTimeout(r, OPEN_RETRY_DELAYS_MS[attempt]));
    }
  }
}

/** Run folders with no job row are what a crash during intake left: the job was never committed. */
async function sweepOrphans(s: Stores): Promise<void> {
  const folders = await files.runIds();
  const known = await s.runFiles.knownJobIds(folders);
  for (const id of folders) if (!known.has(id)) await files.deleteRun(id);
}

async function closeQueue(): Promise<void> {
  await engine?.stop();
  engine = null;
  const closing = stores;
  stores = null;
  await closing?.queue.close();
  // Releases the OPFS access handles so the next owner can open the pool.
  if (pool && !pool.isPaused()) pool.pauseVfs();
}

const lock = startOwnership({
  acquire: openQueue,
  release: closeQueue,
  onChange(status, message) {
    ownership = status === 'error' ? { status, message: message ?? 'unknown error' } : { status };
    emit({ type: 'ownership', ownership });
  },
});

const deps: ApiDeps = {
  stores: () => stores,
  engine: () => engine,
  files,
  settings: () => settings,
  passwordState: () => passwordState,
  async saveSettings(next, passwordChanged) {
    passwordState = (await saveSettings(stores!.settings, vault, next, passwordChanged)) ?? passwordState;
    settings = next;
  },
  appOrigin: self.location.origin,
  blockedByPolicy: (url) => policyBlocks.blockedFor(url),
  dav: davFor,
  now: () => Date.now(),
  async freeBytes() {
    const { quota, usage } = await navigator.storage.estimate();
    return quota === undefined || usage === undefined ? null : quota - usage;
  },
  ownership: () => ownership,
  subscribe: (listener) => listeners.add(listener),
  takeOver: async () => lock.requestHandOver(),
};

// The test hooks ride along only in a build made with `--mode e2e`: the build replaces MODE, so the
// shipped bundle (`vite build`) holds neither the branch nor the module.
Comlink.expose(import.meta.env.MODE === 'e2e' ? { ...createWorkerApi(deps), testHooks: createTestHooks(deps) } : createWorkerApi(deps));
