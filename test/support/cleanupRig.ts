import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { SyncJobState } from '../../src/shared/state';
import { type NasKind, type NasServer, startNas } from './nasServers';
import type { RaceRig } from './raceRig';
import { deviceCopies } from './deviceCopies';

// Helpers of the tests of the cleanup path and NAS moves (src/worker/sync/redTeamCleanup, redTeamNasMove
// and nasChangeVerified): a verified run, the engine's turns until a job is decided, the device copy, and
// another tablet's run at the same path.

/**
 * Call at the top of a test file: two real WebDAV servers (the NAS a run goes to, and another), started
 * before its tests and stopped after them.
 */
export function twoNases(otherKind: NasKind): { nas: NasServer; other: NasServer } {
  let dir = '';
  const servers = {} as { nas: NasServer; other: NasServer };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'exlab-cleanup-'));
    servers.nas = await startNas('embedded', join(dir, 'one'));
    servers.other = await startNas(otherKind, join(dir, 'two'));
  });
  afterAll(async () => {
    await servers.nas?.stop();
    await servers.other?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return servers;
}

/** A short pause between two looks at a condition that must become true (a poll, not a conclusion). */
export const pollInterval = () => new Promise((res) => setTimeout(res, 10));

export async function verifiedRun(r: RaceRig, runName: string): Promise<{ id: string; body: Buffer; nasPath: string }> {
  const body = randomBytes(2000);
  const added = await r.api.addRun({ equipmentId: 'hplc-01', runName, files: [{ relPath: 'a.csv', file: new Blob([body]) }] });
  if (!added.ok) throw new Error(added.error.message);
  const id = added.value.id;
  let j = await r.stores.queue.getById(id);
  for (; j?.state !== SyncJobState.VERIFIED; j = await r.stores.queue.getById(id)) {
    if (j?.state === SyncJobState.FAILED) throw new Error(`the run failed: ${j.last_error}`);
    await pollInterval();
  }
  return { id, body, nasPath: j.nas_path ?? '' };
}

/** Turns of the engine until the job is CLEANED or FAILED (each turn past a cleanup retry's wait, 40 past a retention). */
export async function settled(r: RaceRig, id: string) {
  for (let turn = 0; turn < 80; turn++) {
    const job = await r.stores.queue.getById(id);
    if (job?.state === SyncJobState.CLEANED || job?.state === SyncJobState.FAILED) return job;
    r.clock.advance(2 * 61_000);
    await r.engine.nextTurn();
  }
  throw new Error('the job was neither cleaned nor failed');
}

/** The run's one file as the device holds it, or null once freed. */
export async function deviceCopy(r: RaceRig, id: string): Promise<Buffer | null> {
  const files = await r.stores.runFiles.listFiles(id);
  if (!files.length) return null;
  return (await deviceCopies(r.deviceRoot, id, files))[0];
}

/** Another tablet's run in `base` (a folder below /dav/) at the same relative path: same size, other bytes. */
export function decoyRun(server: NasServer, base: string, nasPath: string): Buffer {
  const folder = join(server.davRoot, base, nasPath);
  mkdirSync(folder, { recursive: true });
  const bytes = randomBytes(2000);
  writeFileSync(join(folder, 'a.csv'), bytes);
  const claim = { app: 'exlab-sync', jobId: 'another-tablets-job', token: 'another-token', device: 'tablet-2', equipmentId: 'hplc-01' };
  writeFileSync(join(folder, '.exlab-claim.json'), JSON.stringify(claim));
  return bytes;
}
