import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3InitModule, { type Database } from '@sqlite.org/sqlite-wasm';
import { type Settings, defaultSettings } from '../../src/shared/settings';
import { type ApiDeps, createWorkerApi } from '../../src/worker/api';
import type { WorkerApi } from '../../src/worker/contract';
import { type Stores, createStores } from '../../src/worker/db/stores';
import type { FileStore } from '../../src/worker/files/store';
import { SyncEngine } from '../../src/worker/sync/engine';
import { createDavClient } from '../../src/worker/webdav/client';
import { fetchUpload } from '../../src/worker/webdav/upload';
import { FakeClock } from './engineRig';
import { type FaultProxy, startFaultProxy } from './faultProxy';
import type { NasServer } from './nasServers';
import { createNodeFileStore } from './nodeFileStore';

// The worker API as main.ts builds it (createWorkerApi) on the SAME stores as a STARTED engine, both
// against real WebDAV servers behind fault proxies, so a test can act as the operator while a request
// of the engine's is held open at the proxy (or while the engine waits on the device's files), then
// let it go and see what reaches the NAS. Two NASes: the one the settings name, and another to move to.

/** Something held open until the test lets it go. */
export interface Held {
  /** Resolves once the held request (or file access) has arrived; with the job id for a file. */
  arrived: Promise<string>;
  /** Let it go on; resolves once the NAS has answered it (for a request) or at once (for a file). */
  release(): Promise<void>;
}

export interface RaceRig {
  api: WorkerApi;
  engine: SyncEngine;
  stores: Stores;
  /** The database under the stores: for a test to shape rows an older app version left behind. */
  db: Database;
  clock: FakeClock;
  /** The settings as saved (the engine reads the same object). */
  settings: Settings;
  nas: { server: NasServer; proxy: FaultProxy };
  otherNas: { server: NasServer; proxy: FaultProxy };
  deviceRoot: string;
  /** Hold the first request to `nas` (or `otherNas`) that `match` picks. */
  holdRequest(match: (method: string, path: string) => boolean, on?: FaultProxy): Held;
  /** Hold the first write (intake) or open (upload) of file `seq` of any run on the device. */
  holdFile(op: 'write' | 'open', seq: number): Held;
  close(): Promise<void>;
}

export async function createRaceRig(nas: NasServer, otherNas: NasServer, overrides: Partial<Settings> = {}): Promise<RaceRig> {
  const dir = mkdtempSync(join(tmpdir(), 'exlab-race-'));
  const sqlite3 = await sqlite3InitModule();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  const clock = new FakeClock();
  const stores = createStores(() => db, { clock: clock.now });
  await stores.queue.init();
  const proxy = await startFaultProxy(nas.origin);
  const otherProxy = await startFaultProxy(otherNas.origin);
  const settings: Settings = { ...defaultSettings(proxy.origin), retentionHours: 0, ...overrides };
  const deviceRoot = join(dir, 'device');
  const gates = fileGates(createNodeFileStore(deviceRoot));
  const dav = (s: Settings, signal?: AbortSignal) =>
    createDavClient({ baseUrl: s.nasUrl, username: s.username, password: s.password, upload: fetchUpload, idleTimeoutMs: 10_000, signal });
  const engine = new SyncEngine({
    stores,
    files: gates.files,
    clock,
    connectivity: { online: () => true, metered: () => false, onChange: () => undefined },
    settings: () => settings,
    dav,
  });
  const deps: ApiDeps = {
    stores: () => stores,
    engine: () => engine,
    files: gates.files,
    settings: () => ({ ...settings }),
    // The engine holds this very object: a saved change is what its next look sees.
    saveSettings: async (next) => void Object.assign(settings, next),
    dav: (s) => dav(s),
    now: clock.now,
    freeBytes: async () => null,
    ownership: () => ({ status: 'owner' }),
    passwordState: () => (settings.password ? 'set' : 'not-set'),
    appOrigin: 'http://127.0.0.1:9',
    subscribe: () => undefined,
    takeOver: async () => undefined,
  };
  engine.start();
  return {
    api: createWorkerApi(deps),
    engine,
    stores,
    db,
    clock,
    settings,
    nas: { server: nas, proxy },
    otherNas: { server: otherNas, proxy: otherProxy },
    deviceRoot,
    holdRequest: (match, on = proxy) => holdRequest(on, match),
    holdFile: gates.hold,
    async close() {
      await engine.stop();
      await proxy.stop();
      await otherProxy.stop();
      await stores.queue.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function holdRequest(proxy: FaultProxy, match: (method: string, path: string) => boolean): Held {
  const arrived = deferred<string>();
  const go = deferred();
  const done = deferred();
  const before = proxy.fault;
  let taken = false;
  proxy.fault = (method, path, headers) => {
    if (taken || !match(method, path)) return before(method, path, headers);
    taken = true;
    return { type: 'hold', until: go.promise, onArrived: () => arrived.resolve(`${method} ${path}`), onDone: () => done.resolve() };
  };
  return {
    arrived: arrived.promise,
    release: () => {
      go.resolve();
      return done.promise;
    },
  };
}

/** The device's files, with a gate on one write or open the test can hold. */
function fileGates(inner: FileStore): { files: FileStore; hold: (op: 'write' | 'open', seq: number) => Held } {
  const pending: { op: 'write' | 'open'; seq: number; arrived: (jobId: string) => void; go: Promise<void> }[] = [];
  const gate = async (op: 'write' | 'open', jobId: string, seq: number) => {
    const i = pending.findIndex((p) => p.op === op && p.seq === seq);
    if (i < 0) return;
    const [held] = pending.splice(i, 1);
    held.arrived(jobId);
    await held.go;
  };
  return {
    files: {
      ...inner,
      write: async (jobId, seq, body, onProgress) => (await gate('write', jobId, seq), inner.write(jobId, seq, body, onProgress)),
      // A small file goes into the run's pack: its append is held as its write.
      openPack: async (jobId) => {
        const pack = await inner.openPack(jobId);
        return { ...pack, append: async (seq, body, onProgress) => (await gate('write', jobId, seq), pack.append(seq, body, onProgress)) };
      },
      open: async (jobId, file) => (await gate('open', jobId, file.seq), inner.open(jobId, file)),
    },
    hold(op, seq) {
      const arrived = deferred<string>();
      const go = deferred();
      pending.push({ op, seq, arrived: arrived.resolve, go: go.promise });
      return {
        arrived: arrived.promise,
        release: async () => go.resolve(),
      };
    },
  };
}
