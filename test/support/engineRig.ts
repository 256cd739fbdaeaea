import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { SyncQueue, type SyncJobRow } from '../../src/worker/db/queue';
import { intakeRun, type IntakeFile } from '../../src/worker/files/intake';
import type { Clock, Progress } from '../../src/worker/sync/deps';
import { SyncEngine } from '../../src/worker/sync/engine';
import { type Settings, defaultSettings } from '../../src/shared/settings';
import { createDavClient } from '../../src/worker/webdav/client';
import { fetchUpload } from '../../src/worker/webdav/upload';
import { type EmbeddedDav, startEmbeddedDav } from '../../scripts/embeddedDav';
import { type FaultProxy, startFaultProxy } from './faultProxy';
import { createNodeFileStore } from './nodeFileStore';

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
  queue: SyncQueue;
  engine: SyncEngine;
  clock: FakeClock;
  dav: EmbeddedDav;
  proxy: FaultProxy;
  settings: Settings;
  localRoot: string;
  davRoot: string;
  progress: Progress[];
  /** Store and queue a run; `freeBytes` is what the device says it has free (null: it does not say). */
  intake(runName: string, files: IntakeFile[], freeBytes?: number | null): Promise<SyncJobRow>;
  waitFor(jobId: string, predicate: (job: SyncJobRow) => boolean, what: string): Promise<SyncJobRow>;
  close(): Promise<void>;
}

export async function createRig(
  overrides: Partial<Settings> = {},
  auth?: { username: string; password: string },
  idleTimeoutMs = 2_000,
): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'exlab-engine-'));
  const sqlite3 = await sqlite3InitModule();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  const clock = new FakeClock();
  const queue = new SyncQueue(() => db, { clock: clock.now });
  await queue.init();
  const dav = await startEmbeddedDav({ root: join(dir, 'nas'), ...auth });
  const proxy = await startFaultProxy(dav.origin);
  const settings: Settings = { ...defaultSettings(proxy.origin), retentionHours: 0, ...overrides };
  const files = createNodeFileStore(join(dir, 'device'));
  const progress: Progress[] = [];
  const engine = new SyncEngine({
    onProgress: (p) => progress.push(p),
    queue,
    files,
    clock,
    connectivity: { online: () => true, metered: () => false, onChange: () => undefined },
    settings: () => settings,
    dav: (s, signal) =>
      createDavClient({ baseUrl: s.nasUrl, username: s.username, password: s.password, upload: fetchUpload, idleTimeoutMs, signal }),
  });
  return {
    queue,
    engine,
    clock,
    dav,
    proxy,
    settings,
    localRoot: join(dir, 'device'),
    davRoot: join(dir, 'nas'),
    progress,
    intake: (runName, list, freeBytes = null) =>
      intakeRun({ queue, files, settings, now: clock.now(), freeBytes: async () => freeBytes }, { equipmentId: 'hplc-01', runName, files: list }),
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
      await dav.stop();
      await queue.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
