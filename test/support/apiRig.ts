import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3InitModule, { type Database } from '@sqlite.org/sqlite-wasm';
import { type Settings, defaultSettings } from '../../src/shared/settings';
import { type ApiDeps, createWorkerApi } from '../../src/worker/api';
import type { WorkerApi, WorkerEvent } from '../../src/worker/contract';
import type { SyncQueue } from '../../src/worker/db/queue';
import { createStores } from '../../src/worker/db/stores';
import { SyncEngine } from '../../src/worker/sync/engine';
import { createDavClient } from '../../src/worker/webdav/client';
import { fetchUpload } from '../../src/worker/webdav/upload';
import { type TestHooks, createTestHooks } from '../../src/worker/testHooks';
import { createNodeFileStore } from './nodeFileStore';

// The worker API as main.ts builds it, in Node: a real SyncQueue over in-memory SQLite, the run files in
// a temporary folder, a real engine that is never started; the test sets ownership and free space.

export const NOW = Date.parse('2025-06-01T10:00:00Z');

export interface ApiRig {
  api: WorkerApi;
  /** The e2e build's test hooks over the same parts: seeding and moves no operator may make. */
  hooks: TestHooks;
  /** The in-memory database under the stores (a test may make it full). */
  db: Database;
  queue: SyncQueue;
  engine: SyncEngine;
  deviceRoot: string;
  /** Every settings value saved, in order. */
  saved: Settings[];
  /** The listeners the API handed on to the worker's event list. */
  listeners: ((event: WorkerEvent) => void)[];
  /** What the device says it has free; null: it does not say. */
  free: { bytes: number | null };
  /** False: another tab holds the queue (queue() and engine() give null). */
  owner: { queue: boolean };
  takeOvers: number;
  close(): void;
}

export async function createApiRig(nasUrl = 'http://127.0.0.1:9/dav/'): Promise<ApiRig> {
  const dir = mkdtempSync(join(tmpdir(), 'exlab-api-'));
  const sqlite3 = await sqlite3InitModule();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  const stores = createStores(() => db, { clock: () => NOW });
  const { queue } = stores;
  await queue.init();
  let settings: Settings = { ...defaultSettings('http://127.0.0.1:9'), nasUrl };
  const dav = (s: Settings) =>
    createDavClient({ baseUrl: s.nasUrl, username: s.username, password: s.password, upload: fetchUpload, idleTimeoutMs: 2_000 });
  const deviceRoot = join(dir, 'device');
  const files = createNodeFileStore(deviceRoot);
  const engine = new SyncEngine({
    stores,
    files,
    clock: { now: () => NOW, sleep: async () => undefined },
    connectivity: { online: () => true, metered: () => false, onChange: () => undefined },
    settings: () => settings,
    dav,
  });
  const rig: ApiRig = {
    api: null!,
    hooks: null!,
    db,
    queue,
    engine,
    deviceRoot,
    saved: [],
    listeners: [],
    free: { bytes: null },
    owner: { queue: true },
    takeOvers: 0,
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
  const deps: ApiDeps = {
    stores: () => (rig.owner.queue ? stores : null),
    engine: () => (rig.owner.queue ? engine : null),
    files,
    settings: () => settings,
    passwordState: () => (settings.password ? 'set' : 'not-set'),
    async saveSettings(next) {
      rig.saved.push(next);
      settings = next;
    },
    appOrigin: 'http://127.0.0.1:9',
    dav,
    now: () => NOW,
    freeBytes: async () => rig.free.bytes,
    ownership: () => (rig.owner.queue ? { status: 'owner' } : { status: 'elsewhere' }),
    subscribe: (listener) => void rig.listeners.push(listener),
    takeOver: async () => void rig.takeOvers++,
  };
  rig.api = createWorkerApi(deps);
  rig.hooks = createTestHooks(deps);
  return rig;
}
