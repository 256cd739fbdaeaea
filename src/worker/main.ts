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
import { type DeviceIdentity, loadDeviceIdentity, saveDeviceIdentity } from './lab/deviceIdentity';
import { DevicePublisher } from './lab/devicePublisher';
import { MAX_FAILED_LISTED, type DeviceFacts } from '../shared/deviceReport';

const listeners = new Set<(event: WorkerEvent) => void>();
let ownership: Ownership = { status: 'starting' };
let stores: Stores | null = null;
let engine: SyncEngine | null = null;
let pool: SAHPoolUtil | null = null;
let identity: DeviceIdentity | null = null;
let publisher: DevicePublisher | null = null;
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

// Moved only by the e2e build's test hooks (a device "a day later"); 0 in the shipped app.
let clockShiftMs = 0;
const clock: Clock = {
  now: () => Date.now() + clockShiftMs,
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
// Back online: this device's file is written again soon.
connectivity.onChange(() => publisher?.changed());

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
        onCommit: (ids) => {
          // A write with no job (settings) changes nothing the device file says.
          if (ids.length) publisher?.changed();
          jobsChanged(ids);
        },
      });
      await opened.queue.init();
      await sweepOrphans(opened);
      ({ settings, passwordState } = await loadSettings(opened.settings, vault, defaults));
      identity = await loadDeviceIdentity(opened.settings);
      stores = opened;
      engine = new SyncEngine({
        device: () => identity,
        stores: opened,
        files,
        clock,
        connectivity,
        settings: () => settings,
        dav: davFor,
        onProgress: (progress) => emit({ type: 'progress', progress }),
        onStatus: (status) => {
          publisher?.changed();
          emit({ type: 'engine', status });
        },
      });
      engine.start();
      publisher = createPublisher(opened);
      publisher.start();
      emit({ type: 'jobs-changed', ids: [] });
      return;
    } catch (err) {
      if (pool && !pool.isPaused()) pool.pauseVfs();
      if (attempt >= OPEN_RETRY_DELAYS_MS.length) throw err;
      await new Promise((r) => setTimeout(r, OPEN_RETRY_DELAYS_MS[attempt]));
    }
  }
}

/**
 * Run folders with no job row are what a crash during intake left: the job was never committed. One that
 * cannot be deleted now (a file in it still open: the intake of a tab that lost the queue to "Use here"
 * holds its run's pack open until it stops) is left for the next start: it is no reason not to open the queue.
 */
async function sweepOrphans(s: Stores): Promise<void> {
  const folders = await files.runIds();
  const known = await s.runFiles.knownJobIds(folders);
  for (const id of folders) {
    if (known.has(id)) continue;
    await files.deleteRun(id).catch((err: unknown) => console.warn(`run folder ${id} left for the next start: ${String(err)}`));
  }
}

/** Keeps this device's state file on the NAS current (lab/devicePublisher.ts). */
function createPublisher(s: Stores): DevicePublisher {
  return new DevicePublisher({
    clock,
    online: () => navigator.onLine,
    dav: (signal) => davFor(settings, signal),
    log: (message) => console.warn(message),
    facts: async (): Promise<DeviceFacts> => {
      const queue = await s.deviceFacts.queueFacts(MAX_FAILED_LISTED);
      const engineError = engine?.status().engineError ?? null;
      return {
        deviceId: identity!.id,
        deviceName: identity!.name,
        appVersion: __APP_VERSION__,
        ...queue,
        storage: await storageFacts(),
        lastError: engineError ? { message: engineError, at: new Date(clock.now()).toISOString() } : queue.lastError,
      };
    },
  });
}

async function storageFacts(): Promise<DeviceFacts['storage']> {
  const { quota, usage } = await navigator.storage.estimate();
  const persistent = await navigator.storage.persisted().catch(() => null);
  return { usedBytes: usage ?? null, quotaBytes: quota ?? null, persistent };
}

async function closeQueue(): Promise<void> {
  await publisher?.stop();
  publisher = null;
  await engine?.stop();
  engine = null;
  // The next owner may delete these runs: no pack of theirs stays open here.
  await files.closeReaders();
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
  now: () => clock.now(),
  async freeBytes() {
    const { quota, usage } = await navigator.storage.estimate();
    return quota === undefined || usage === undefined ? null : quota - usage;
  },
  ownership: () => ownership,
  subscribe: (listener) => listeners.add(listener),
  takeOver: async () => lock.requestHandOver(),
  device: () => (stores ? identity : null),
  async renameDevice(name) {
    const next = { id: identity!.id, name };
    await saveDeviceIdentity(stores!.settings, next);
    identity = next;
    publisher?.changed();
    return next;
  },
  publishNow: async () => (publisher ? publisher.publishNow() : false),
  publishProblem: () => publisher?.lastError ?? null,
  // Only the e2e build can move the clock (its test hooks); the shipped one has no way to.
  shiftClock:
    import.meta.env.MODE === 'e2e'
      ? (ms) => {
          clockShiftMs += ms;
          engine?.wake();
        }
      : undefined,
};

// The test hooks ride along only in a build made with `--mode e2e`: the build replaces MODE, so the
// shipped bundle (`vite build`) holds neither the branch nor the module.
Comlink.expose(import.meta.env.MODE === 'e2e' ? { ...createWorkerApi(deps), testHooks: createTestHooks(deps) } : createWorkerApi(deps));
