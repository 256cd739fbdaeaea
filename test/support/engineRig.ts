import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3InitModule, { type Database } from '@sqlite.org/sqlite-wasm';
import type { SyncJobRow } from '../../src/worker/db/jobRows';
import type { SyncQueue } from '../../src/worker/db/queue';
import { type Stores, createStores } from '../../src/worker/db/stores';
import { intakeRun, type IntakeFile } from '../../src/worker/files/intake';
import type { Clock, EngineStatus, Progress } from '../../src/worker/sync/deps';
import { SyncEngine } from '../../src/worker/sync/engine';
import { type Settings, defaultSettings } from '../../src/shared/settings';
import { startEmbeddedDav } from './embeddedDav';
import { createDavClient } from '../../src/worker/webdav/client';
import { fetchUpload } from '../../src/worker/webdav/upload';
import { type FaultProxy, startFaultProxy } from './faultProxy';
import { createNodeFileStore } from './nodeFileStore';
import { type NasKind, type NasServer, startNas } from './nasServers';

/** A clock the test moves: time stands still unless advanced, so a 30 s backoff takes no real time. */
export class FakeClock implements Clock {
  constructor(public nowMs = Date.parse('2025-06-01T10:00:00Z')) {}
  now = () => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
  // The engine re-checks every few real milliseconds; what is due is decided by the fake time.
  sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.min(ms, 20));
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
}

export interface Rig {
  /** The queue's database (in memory), for a test that sets up rows an older version left. */
  db: Database;
  queue: SyncQueue;
  stores: Stores;
  engine: SyncEngine;
  clock: FakeClock;
  /** The real WebDAV server behind the proxy (shared when given to createRig, else the rig's own). */
  dav: NasServer;
  proxy: FaultProxy;
  settings: Settings;
  localRoot: string;
  davRoot: string;
  progress: Progress[];
  /** Every status the engine reported, in order. */
  statuses: EngineStatus[];
  /** Store and queue a run; `freeBytes` is what the device says it has free (null: it does not say). */
  intake(runName: string, files: IntakeFile[], freeBytes?: number | null, stallMs?: number): Promise<SyncJobRow>;
  waitFor(jobId: string, predicate: (job: SyncJobRow) => boolean, what: string): Promise<SyncJobRow>;
  close(): Promise<void>;
}

export async function createRig(
  overrides: Partial<Settings> = {},
  auth?: { username: string; password: string },
  idleTimeoutMs = 2_000,
  /** A NAS to use (two rigs are two devices on one NAS), or the kind of NAS the rig starts for itself. */
  nas: NasServer | NasKind = 'embedded',
): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'exlab-engine-'));
  const sqlite3 = await sqlite3InitModule();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  const clock = new FakeClock();
  const stores = createStores(() => db, { clock: clock.now });
  const { queue, runFiles } = stores;
  await queue.init();
  const ownNas = typeof nas === 'string';
  if (auth && nas !== 'embedded') throw new Error('auth is set up for the embedded NAS only');
  const dav = typeof nas !== 'string' ? nas : auth ? await startEmbeddedAuth(join(dir, 'nas'), auth) : await startNas(nas, dir);
  const proxy = await startFaultProxy(dav.origin);
  const settings: Settings = { ...defaultSettings(proxy.origin), retentionHours: 0, ...overrides };
  const files = createNodeFileStore(join(dir, 'device'));
  const progress: Progress[] = [];
  const statuses: EngineStatus[] = [];
  const engine = new SyncEngine({
    onProgress: (p) => progress.push(p),
    onStatus: (st) => statuses.push(st),
    stores,
    files,
    clock,
    connectivity: { online: () => true, metered: () => false, onChange: () => undefined },
    settings: () => settings,
    dav: (s, signal) =>
      createDavClient({ baseUrl: s.nasUrl, username: s.username, password: s.password, upload: fetchUpload, idleTimeoutMs, signal }),
  });
  return {
    db,
    queue,
    stores,
    engine,
    clock,
    dav,
    proxy,
    settings,
    localRoot: join(dir, 'device'),
    davRoot: dav.davRoot,
    progress,
    statuses,
    intake: (runName, list, freeBytes = null, stallMs) =>
      intakeRun(
        { runFiles, files, settings, now: clock.now(), freeBytes: async () => freeBytes, stallMs },
        { equipmentId: 'hplc-01', runName, files: list },
      ),
    async waitFor(jobId, predicate, what) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const job = await queue.getById(jobId);
        if (job && predicate(job)) return job;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; job is ${JSON.stringify(job)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await engine.stop();
      await proxy.stop();
      if (ownNas) await dav.stop();
      await queue.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startEmbeddedAuth(root: string, auth: { username: string; password: string }): Promise<NasServer> {
  const dav = await startEmbeddedDav({ root, ...auth });
  return { kind: 'embedded', origin: dav.origin, davRoot: root, stop: () => dav.stop() };
}
