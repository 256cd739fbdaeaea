import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RaceRig, createRaceRig } from '../../../test/support/raceRig';
import { type NasServer, startNas } from '../../../test/support/nasServers';
import { SyncJobState } from '../../shared/state';
import { migrate } from '../db/schema';

// Red team of the cleanup path (the one place the only device copy of a run is deleted) and of settings
// changes around it: the device copy may go only when the run is whole where it was verified, and the
// look there touches nothing on any NAS. Real WebDAV servers behind fault proxies, a fake clock.

let dir: string;
let nas: NasServer;
let other: NasServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exlab-redclean-'));
  nas = await startNas('embedded', join(dir, 'one'));
  other = await startNas('nginx', join(dir, 'two'));
});
afterAll(async () => {
  await nas.stop();
  await other.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A short pause between two looks at a condition that must become true (a poll, not a conclusion). */
const pollInterval = () => new Promise((res) => setTimeout(res, 10));

async function verifiedRun(r: RaceRig, runName: string): Promise<{ id: string; body: Buffer; nasPath: string }> {
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
async function settled(r: RaceRig, id: string) {
  for (let turn = 0; turn < 80; turn++) {
    const job = await r.stores.queue.getById(id);
    if (job?.state === SyncJobState.CLEANED || job?.state === SyncJobState.FAILED) return job;
    r.clock.advance(2 * 61_000);
    await r.engine.nextTurn();
  }
  throw new Error('the job was neither cleaned nor failed');
}

/** The run's one file as the device holds it, or null once freed. */
async function deviceCopy(r: RaceRig, id: string): Promise<Buffer | null> {
  const [file] = await r.stores.runFiles.listFiles(id);
  const path = join(r.deviceRoot, id, `f${file?.seq ?? 0}`);
  return existsSync(path) ? readFileSync(path) : null;
}

/** Another tablet's run in `base` (a folder below /dav/) at the same relative path: same size, other bytes. */
function decoyRun(server: NasServer, base: string, nasPath: string): Buffer {
  const folder = join(server.davRoot, base, nasPath);
  mkdirSync(folder, { recursive: true });
  const bytes = randomBytes(2000);
  writeFileSync(join(folder, 'a.csv'), bytes);
  const claim = { app: 'exlab-sync', jobId: 'another-tablets-job', token: 'another-token', device: 'tablet-2', equipmentId: 'hplc-01' };
  writeFileSync(join(folder, '.exlab-claim.json'), JSON.stringify(claim));
  return bytes;
}

test('a run synced before claims (no claim row) is not freed on the strength of another run of the same size where the settings now point', async () => {
  const r = await createRaceRig(nas, other, { retentionHours: 1 });
  try {
    const { id, body, nasPath } = await verifiedRun(r, 'legacy-run');
    // As an app from before migration 4 left it: the job has no claim row. The lab then moved its share
    // to /dav/elsewhere/ (the old folder is gone), where another tablet's run sits at the same path.
    r.db.exec({ sql: 'DELETE FROM job_claims WHERE job_id = ?', bind: [id] });
    rmSync(join(nas.davRoot, nasPath), { recursive: true });
    const decoy = decoyRun(nas, 'elsewhere', nasPath);
    expect((await r.api.updateSettings({ nasUrl: `${r.nas.proxy.origin}/dav/elsewhere/` })).ok).toBe(true);
    r.clock.advance(2 * 3600_000);
    const job = await settled(r, id);
    // What the operator checks: the only copy of the run is still on the device; the other run is untouched.
    expect((await deviceCopy(r, id))?.equals(body)).toBe(true);
    expect(job.state).toBe(SyncJobState.FAILED);
    expect(job.last_error).toContain('different on the NAS: a.csv');
    expect(readFileSync(join(nas.davRoot, 'elsewhere', nasPath, 'a.csv')).equals(decoy)).toBe(true);
  } finally {
    await r.close();
  }
});

test('a run synced before claims and still whole where the settings point is freed (its bytes were read back)', async () => {
  const r = await createRaceRig(nas, other, { retentionHours: 1 });
  try {
    const { id, nasPath } = await verifiedRun(r, 'legacy-whole');
    r.db.exec({ sql: 'DELETE FROM job_claims WHERE job_id = ?', bind: [id] });
    const verifiedUpTo = r.nas.proxy.log.length;
    r.clock.advance(2 * 3600_000);
    const job = await settled(r, id);
    expect(job.state).toBe(SyncJobState.CLEANED);
    expect(await deviceCopy(r, id)).toBe(null);
    expect(existsSync(join(nas.davRoot, nasPath, 'a.csv'))).toBe(true);
    // Its bytes were read back before the device copy went.
    expect(r.nas.proxy.log.slice(verifiedUpTo).filter((l) => l.startsWith('GET ') && l.endsWith('/a.csv'))).not.toEqual([]);
  } finally {
    await r.close();
  }
});

test('a run verified before migration 5 (claim row, no verified_on), settings moved to a folder holding another run of the same size: the device copy stays and neither folder is written', async () => {
  const r = await createRaceRig(nas, other, { retentionHours: 1 });
  try {
    const { id, body, nasPath } = await verifiedRun(r, 'pre-m5-run');
    r.db.exec({ sql: 'UPDATE job_claims SET verified_on = NULL WHERE job_id = ?', bind: [id] });
    const decoy = decoyRun(nas, 'elsewhere', nasPath);
    expect((await r.api.updateSettings({ nasUrl: `${r.nas.proxy.origin}/dav/elsewhere/` })).ok).toBe(true);
    const writesBefore = r.nas.proxy.log.filter((l) => !/^(GET|PROPFIND) /.test(l)).length;
    r.clock.advance(2 * 3600_000);
    const job = await settled(r, id).catch(() => r.stores.queue.getById(id));
    expect((await deviceCopy(r, id))?.equals(body)).toBe(true);
    expect(job?.state).not.toBe(SyncJobState.CLEANED);
    expect(readFileSync(join(nas.davRoot, 'elsewhere', nasPath, 'a.csv')).equals(decoy)).toBe(true);
    expect(readFileSync(join(nas.davRoot, nasPath, 'a.csv')).equals(body)).toBe(true);
    expect(r.nas.proxy.log.filter((l) => !/^(GET|PROPFIND) /.test(l)).length).toBe(writesBefore);
  } finally {
    await r.close();
  }
});

test('settings moved to another folder of the same NAS holding another run at the same relative path: the look goes to the folder the run was verified in, the other run is not even read', async () => {
  const r = await createRaceRig(nas, other, { retentionHours: 1 });
  try {
    const { id, body, nasPath } = await verifiedRun(r, 'same-path-other-folder');
    const decoy = decoyRun(nas, 'elsewhere', nasPath);
    expect((await r.api.updateSettings({ nasUrl: `${r.nas.proxy.origin}/dav/elsewhere/` })).ok).toBe(true);
    r.clock.advance(2 * 3600_000);
    const job = await settled(r, id);
    expect(job.state).toBe(SyncJobState.CLEANED);
    expect(readFileSync(join(nas.davRoot, nasPath, 'a.csv')).equals(body)).toBe(true);
    expect(readFileSync(join(nas.davRoot, 'elsewhere', nasPath, 'a.csv')).equals(decoy)).toBe(true);
    expect(r.nas.proxy.log.filter((l) => l.includes('/dav/elsewhere/'))).toEqual([]);
  } finally {
    await r.close();
  }
});

test('a run kept because it went to another server: one kept line over many turns, no request to that server, then Stop syncing + Retry sends it to the NAS named now, which is the one looked at before freeing', async () => {
  const r = await createRaceRig(nas, other, { retentionHours: 1 });
  try {
    const { id, body, nasPath } = await verifiedRun(r, 'kept-then-retried');
    const newUrl = `${r.otherNas.proxy.origin}/dav/`;
    expect((await r.api.updateSettings({ nasUrl: newUrl })).ok).toBe(true);
    const oldRequests = r.nas.proxy.log.length;
    r.clock.advance(2 * 3600_000);
    for (let turn = 0; turn < 15; turn++) {
      r.clock.advance(61_000);
      await r.engine.nextTurn();
    }
    expect((await r.stores.queue.getById(id))?.state).toBe(SyncJobState.CLEANUP_ELIGIBLE);
    expect((await r.stores.history.listEvents(id)).filter((e) => e.kind === 'kept')).toHaveLength(1);
    // The old server is no longer asked by anyone (the probe and all work go to the new one).
    expect(r.nas.proxy.log.slice(oldRequests)).toEqual([]);

    expect((await r.api.stopSyncing(id, 'move it to the new NAS')).ok).toBe(true);
    expect((await r.api.retry(id)).ok).toBe(true);
    const job = await settled(r, id);
    expect(job.state).toBe(SyncJobState.CLEANED);
    expect((await r.stores.claims.get(id))?.verifiedOn).toBe(newUrl);
    expect(readFileSync(join(other.davRoot, job.nas_path ?? '', 'a.csv')).equals(body)).toBe(true);
    // The copy on the old NAS is left exactly as it was.
    expect(readFileSync(join(nas.davRoot, nasPath, 'a.csv')).equals(body)).toBe(true);
    expect(await deviceCopy(r, id)).toBe(null);
  } finally {
    await r.close();
  }
});

test('a NAS that answers 200 (not 207) to the look with a body listing the run whole, while the file is gone: the device copy stays', async () => {
  const r = await createRaceRig(nas, other, { retentionHours: 1 });
  try {
    const { id, body, nasPath } = await verifiedRun(r, 'lying-listing');
    rmSync(join(nas.davRoot, nasPath, 'a.csv'));
    const href = (name: string) => `/dav/${nasPath.split('/').map(encodeURIComponent).join('/')}/${name}`;
    const entry = (name: string, size: number) =>
      `<d:response><d:href>${href(name)}</d:href><d:propstat><d:prop><d:resourcetype/><d:getcontentlength>${size}</d:getcontentlength></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`;
    const lie = `<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>${href('')}</d:href><d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>${entry('a.csv', 2000)}</d:multistatus>`;
    r.nas.proxy.fault = (method, path) =>
      method === 'PROPFIND' && decodeURIComponent(path).includes(nasPath) ? { type: 'respond', status: 200, body: lie } : null;
    r.clock.advance(2 * 3600_000);
    for (let turn = 0; turn < 5; turn++) {
      r.clock.advance(61_000);
      await r.engine.nextTurn();
    }
    expect(r.nas.proxy.log.filter((l) => l.startsWith('PROPFIND ') && l.includes('lying-listing'))).not.toEqual([]);
    expect((await r.stores.queue.getById(id))?.state).toBe(SyncJobState.CLEANUP_ELIGIBLE);
    expect((await deviceCopy(r, id))?.equals(body)).toBe(true);
    // The NAS tells the truth again: the file is missing, the job says so, the device copy stays.
    r.nas.proxy.fault = () => null;
    const job = await settled(r, id);
    expect(job.state).toBe(SyncJobState.FAILED);
    expect(job.last_error).toContain('missing on the NAS: a.csv');
    expect((await deviceCopy(r, id))?.equals(body)).toBe(true);
  } finally {
    await r.close();
  }
});

test('a run kept for another server cannot be discarded while kept; Stop syncing keeps its files; nothing on either NAS is written', async () => {
  const r = await createRaceRig(nas, other, { retentionHours: 1 });
  try {
    const { id, body, nasPath } = await verifiedRun(r, 'kept-then-discarded');
    expect((await r.api.updateSettings({ nasUrl: `${r.otherNas.proxy.origin}/dav/` })).ok).toBe(true);
    r.clock.advance(2 * 3600_000);
    await r.engine.nextTurn();
    await r.engine.nextTurn();
    expect((await r.stores.queue.getById(id))?.state).toBe(SyncJobState.CLEANUP_ELIGIBLE);
    expect((await r.api.discard(id)).ok).toBe(false);
    expect((await deviceCopy(r, id))?.equals(body)).toBe(true);
    expect((await r.api.stopSyncing(id, 'keep it here for now')).ok).toBe(true);
    for (let turn = 0; turn < 3; turn++) {
      r.clock.advance(61_000);
      await r.engine.nextTurn();
    }
    expect((await r.stores.queue.getById(id))?.state).toBe(SyncJobState.FAILED);
    expect((await deviceCopy(r, id))?.equals(body)).toBe(true);
    expect(readFileSync(join(nas.davRoot, nasPath, 'a.csv')).equals(body)).toBe(true);
    const writes = (log: string[]) => log.filter((l) => !/^(GET|PROPFIND|OPTIONS) /.test(l) && l.includes('kept-then-discarded'));
    expect(writes(r.otherNas.proxy.log)).toEqual([]);
  } finally {
    await r.close();
  }
});

test('a run verified before migration 5, updated with the settings naming its NAS, then the settings moved to another folder of that NAS: checked where it went and freed, not failed', async () => {
  const r = await createRaceRig(nas, other, { retentionHours: 1 });
  try {
    const { id, body, nasPath } = await verifiedRun(r, 'verified-before-m5');
    // As the device stood before the update: schema 5 not yet applied to this run (verified_on empty),
    // the saved settings (JSON text, as the app stores them) naming the NAS the run went to.
    r.db.exec({ sql: 'UPDATE job_claims SET verified_on = NULL WHERE job_id = ?', bind: [id] });
    r.db.exec({ sql: 'INSERT INTO settings (key, value) VALUES (?, ?)', bind: ['nasUrl', JSON.stringify(r.settings.nasUrl)] });
    r.db.exec('PRAGMA user_version = 5');
    migrate(r.db);
    const decoy = decoyRun(nas, 'elsewhere', nasPath);
    expect((await r.api.updateSettings({ nasUrl: `${r.nas.proxy.origin}/dav/elsewhere/` })).ok).toBe(true);
    r.clock.advance(2 * 3600_000);
    const job = await settled(r, id);
    expect(job.last_error ?? '').toBe('');
    expect(job.state).toBe(SyncJobState.CLEANED);
    expect(readFileSync(join(nas.davRoot, nasPath, 'a.csv')).equals(body)).toBe(true);
    expect(readFileSync(join(nas.davRoot, 'elsewhere', nasPath, 'a.csv')).equals(decoy)).toBe(true);
    expect(r.nas.proxy.log.filter((l) => l.includes('/dav/elsewhere/'))).toEqual([]);
  } finally {
    await r.close();
  }
});

test('a kept run then stopped by the operator does not leave the engine turning without sleeping', async () => {
  const r = await createRaceRig(nas, other, { retentionHours: 1 });
  try {
    const { id } = await verifiedRun(r, 'kept-then-stopped');
    expect((await r.api.updateSettings({ nasUrl: `${r.otherNas.proxy.origin}/dav/` })).ok).toBe(true);
    r.clock.advance(2 * 3600_000);
    await r.engine.nextTurn();
    await r.engine.nextTurn();
    expect((await r.stores.history.listEvents(id)).map((e) => e.kind)).toContain('kept');
    expect((await r.api.stopSyncing(id, 'not this one')).ok).toBe(true);
    r.clock.advance(5 * 60_000);
    await r.engine.nextTurn();
    // Every wait the engine asks for from now on: with nothing to do it waits (up to its idle re-check).
    const asked: number[] = [];
    const sleep = r.clock.sleep;
    r.clock.sleep = (ms, signal) => (asked.push(ms), sleep(ms, signal));
    for (let turn = 0; turn < 3; turn++) await r.engine.nextTurn();
    expect(asked.length).toBeGreaterThan(0);
    expect(Math.min(...asked)).toBeGreaterThan(0);
  } finally {
    await r.close();
  }
});

test('a kept run whose next look is due while the only slot uploads another run does not leave the engine turning without sleeping', async () => {
  const r = await createRaceRig(nas, other, { retentionHours: 1, concurrency: 1 });
  try {
    const { id } = await verifiedRun(r, 'kept-while-busy');
    expect((await r.api.updateSettings({ nasUrl: `${r.otherNas.proxy.origin}/dav/` })).ok).toBe(true);
    r.clock.advance(2 * 3600_000);
    await r.engine.nextTurn();
    await r.engine.nextTurn();
    expect((await r.stores.history.listEvents(id)).map((e) => e.kind)).toContain('kept');
    // Another run's upload holds the only slot (its PUT held open at the NAS) past the kept run's next look.
    const held = r.holdRequest((method) => method === 'PUT', r.otherNas.proxy);
    const added = await r.api.addRun({ equipmentId: 'hplc-01', runName: 'busy', files: [{ relPath: 'b.csv', file: new Blob(['b']) }] });
    expect(added.ok).toBe(true);
    await held.arrived;
    r.clock.advance(5 * 60_000);
    await r.engine.nextTurn();
    const asked: number[] = [];
    const sleep = r.clock.sleep;
    r.clock.sleep = (ms, signal) => (asked.push(ms), sleep(ms, signal));
    for (let turn = 0; turn < 3; turn++) await r.engine.nextTurn();
    expect(asked.length).toBeGreaterThan(0);
    expect(Math.min(...asked)).toBeGreaterThan(0);
    await held.release();
  } finally {
    await r.close();
  }
});

test('the settings moved to another folder of the same NAS (holding another run at the same path) while the manifest MOVE is on its way: the run is freed only after its own folder is looked at, the other run is never written', async () => {
  const r = await createRaceRig(nas, other, { retentionHours: 1 });
  try {
    const held = r.holdRequest((method, path) => method === 'MOVE' && path.endsWith('-manifest'));
    const body = randomBytes(2000);
    const added = await r.api.addRun({
      equipmentId: 'hplc-01',
      runName: 'moved-at-manifest',
      files: [{ relPath: 'a.csv', file: new Blob([body]) }],
    });
    if (!added.ok) throw new Error(added.error.message);
    const id = added.value.id;
    await held.arrived;
    const nasPath = (await r.stores.queue.getById(id))?.nas_path ?? '';
    const decoy = decoyRun(nas, 'elsewhere', nasPath);
    const decoyClaim = readFileSync(join(nas.davRoot, 'elsewhere', nasPath, '.exlab-claim.json'));
    expect((await r.api.updateSettings({ nasUrl: `${r.nas.proxy.origin}/dav/elsewhere/` })).ok).toBe(true);
    await held.release();
    r.clock.advance(2 * 3600_000);
    const job = await settled(r, id);
    expect(job.last_error ?? '').toBe('');
    expect(job.state).toBe(SyncJobState.CLEANED);
    // The other run's folder is as its tablet left it: same file, same claim, nothing added.
    expect(readFileSync(join(nas.davRoot, 'elsewhere', nasPath, 'a.csv')).equals(decoy)).toBe(true);
    expect(readFileSync(join(nas.davRoot, 'elsewhere', nasPath, '.exlab-claim.json')).equals(decoyClaim)).toBe(true);
    // (A MKCOL there is the claim's try for the folder: refused, as it exists, and then passed over.)
    const writesThere = r.nas.proxy.log.filter((l) => !/^(GET|PROPFIND|MKCOL) /.test(l) && l.includes(`/dav/elsewhere/${nasPath}/`));
    expect(writesThere).toEqual([]);
    // Where the run was freed from, it is whole.
    const verifiedOn = (await r.stores.claims.get(id))?.verifiedOn ?? '';
    const base = verifiedOn.endsWith('/elsewhere/') ? join(nas.davRoot, 'elsewhere') : nas.davRoot;
    expect(readFileSync(join(base, job.nas_path ?? '', 'a.csv')).equals(body)).toBe(true);
  } finally {
    await r.close();
  }
});

test('moved to another folder mid-upload, a run does not take an empty folder there it did not create (another tablet made it a moment ago, its claim on the way)', async () => {
  const r = await createRaceRig(nas, other, { retentionHours: 1 });
  try {
    const held = r.holdRequest((method, path) => method === 'PUT' && /\.exlab-part-[0-9a-f-]+-\d+$/.test(path));
    const added = await r.api.addRun({
      equipmentId: 'hplc-01',
      runName: 'moved-mid-upload',
      files: [{ relPath: 'a.csv', file: new Blob([randomBytes(2000)]) }],
    });
    if (!added.ok) throw new Error(added.error.message);
    const id = added.value.id;
    await held.arrived;
    const nasPath = (await r.stores.queue.getById(id))?.nas_path ?? '';
    // Another tablet's MKCOL of the same name under the new folder has just been answered 201.
    mkdirSync(join(nas.davRoot, 'elsewhere', nasPath), { recursive: true });
    expect((await r.api.updateSettings({ nasUrl: `${r.nas.proxy.origin}/dav/elsewhere/` })).ok).toBe(true);
    void held.release();
    let job = await r.stores.queue.getById(id);
    for (; job?.state !== SyncJobState.VERIFIED; job = await r.stores.queue.getById(id)) {
      if (job?.state === SyncJobState.FAILED) throw new Error(`the run failed: ${job.last_error}`);
      await r.engine.nextTurn();
    }
    expect(job.nas_path).toBe(`${nasPath} (2)`);
    expect(existsSync(join(nas.davRoot, 'elsewhere', nasPath, '.exlab-claim.json'))).toBe(false);
  } finally {
    await r.close();
  }
});

test('a run whose folder MKCOL got no answer (the folder made), stopped and retried under the same settings, keeps that folder as its own', async () => {
  const r = await createRaceRig(nas, other, { retentionHours: 1 });
  try {
    const held = r.holdRequest((method, path) => method === 'MKCOL' && path.endsWith('/cut-mkcol/'));
    const added = await r.api.addRun({
      equipmentId: 'hplc-01',
      runName: 'cut-mkcol',
      files: [{ relPath: 'a.csv', file: new Blob([randomBytes(2000)]) }],
    });
    if (!added.ok) throw new Error(added.error.message);
    const id = added.value.id;
    await held.arrived;
    const nasPath = (await r.stores.queue.getById(id))?.nas_path ?? '';
    // The NAS made the folder; the answer never reached the device.
    mkdirSync(join(nas.davRoot, nasPath), { recursive: true });
    expect((await r.api.stopSyncing(id, 'the tablet was put away')).ok).toBe(true);
    expect((await r.api.retry(id)).ok).toBe(true);
    let job = await r.stores.queue.getById(id);
    for (; job?.state !== SyncJobState.VERIFIED; job = await r.stores.queue.getById(id)) {
      if (job?.state === SyncJobState.FAILED) throw new Error(`the run failed: ${job.last_error}`);
      await r.engine.nextTurn();
    }
    expect(job.nas_path).toBe(nasPath);
  } finally {
    await r.close();
  }
});
