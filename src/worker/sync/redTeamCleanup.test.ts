import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { twoNases, decoyRun, deviceCopy, settled, verifiedRun } from '../../../test/support/cleanupRig';
import { createRaceRig } from '../../../test/support/raceRig';
import { SyncJobState } from '../../shared/state';
import { migrate } from '../db/schema';

// Red team of the cleanup path (the one place the only device copy of a run is deleted) and of settings
// changes around it: the device copy may go only when the run is whole where it was verified, and the
// look there touches nothing on any NAS. Real WebDAV servers behind fault proxies, a fake clock.

const servers = twoNases('nginx');

test('a run synced before claims (no claim row) is not freed on the strength of another run of the same size where the settings now point', async () => {
  const r = await createRaceRig(servers.nas, servers.other, { retentionHours: 1 });
  try {
    const { id, body, nasPath } = await verifiedRun(r, 'legacy-run');
    // As an app from before migration 4 left it: the job has no claim row. The lab then moved its share
    // to /dav/elsewhere/ (the old folder is gone), where another tablet's run sits at the same path.
    r.db.exec({ sql: 'DELETE FROM job_claims WHERE job_id = ?', bind: [id] });
    rmSync(join(servers.nas.davRoot, nasPath), { recursive: true });
    const decoy = decoyRun(servers.nas, 'elsewhere', nasPath);
    expect((await r.api.updateSettings({ nasUrl: `${r.nas.proxy.origin}/dav/elsewhere/` })).ok).toBe(true);
    r.clock.advance(2 * 3600_000);
    const job = await settled(r, id);
    // What the operator checks: the only copy of the run is still on the device; the other run is untouched.
    expect((await deviceCopy(r, id))?.equals(body)).toBe(true);
    expect(job.state).toBe(SyncJobState.FAILED);
    expect(job.last_error).toContain('different on the NAS: a.csv');
    expect(readFileSync(join(servers.nas.davRoot, 'elsewhere', nasPath, 'a.csv')).equals(decoy)).toBe(true);
  } finally {
    await r.close();
  }
});

test('a run synced before claims and still whole where the settings point is freed (its bytes were read back)', async () => {
  const r = await createRaceRig(servers.nas, servers.other, { retentionHours: 1 });
  try {
    const { id, nasPath } = await verifiedRun(r, 'legacy-whole');
    r.db.exec({ sql: 'DELETE FROM job_claims WHERE job_id = ?', bind: [id] });
    const verifiedUpTo = r.nas.proxy.log.length;
    r.clock.advance(2 * 3600_000);
    const job = await settled(r, id);
    expect(job.state).toBe(SyncJobState.CLEANED);
    expect(await deviceCopy(r, id)).toBe(null);
    expect(existsSync(join(servers.nas.davRoot, nasPath, 'a.csv'))).toBe(true);
    // Its bytes were read back before the device copy went.
    expect(r.nas.proxy.log.slice(verifiedUpTo).filter((l) => l.startsWith('GET ') && l.endsWith('/a.csv'))).not.toEqual([]);
  } finally {
    await r.close();
  }
});

test('a run verified before migration 5 (claim row, no verified_on), settings moved to a folder holding another run of the same size: the device copy stays and neither folder is written', async () => {
  const r = await createRaceRig(servers.nas, servers.other, { retentionHours: 1 });
  try {
    const { id, body, nasPath } = await verifiedRun(r, 'pre-m5-run');
    r.db.exec({ sql: 'UPDATE job_claims SET verified_on = NULL WHERE job_id = ?', bind: [id] });
    const decoy = decoyRun(servers.nas, 'elsewhere', nasPath);
    expect((await r.api.updateSettings({ nasUrl: `${r.nas.proxy.origin}/dav/elsewhere/` })).ok).toBe(true);
    const writesBefore = r.nas.proxy.log.filter((l) => !/^(GET|PROPFIND) /.test(l)).length;
    r.clock.advance(2 * 3600_000);
    const job = await settled(r, id).catch(() => r.stores.queue.getById(id));
    expect((await deviceCopy(r, id))?.equals(body)).toBe(true);
    expect(job?.state).not.toBe(SyncJobState.CLEANED);
    expect(readFileSync(join(servers.nas.davRoot, 'elsewhere', nasPath, 'a.csv')).equals(decoy)).toBe(true);
    expect(readFileSync(join(servers.nas.davRoot, nasPath, 'a.csv')).equals(body)).toBe(true);
    expect(r.nas.proxy.log.filter((l) => !/^(GET|PROPFIND) /.test(l)).length).toBe(writesBefore);
  } finally {
    await r.close();
  }
});

test('settings moved to another folder of the same NAS holding another run at the same relative path: the look goes to the folder the run was verified in, the other run is not even read', async () => {
  const r = await createRaceRig(servers.nas, servers.other, { retentionHours: 1 });
  try {
    const { id, body, nasPath } = await verifiedRun(r, 'same-path-other-folder');
    const decoy = decoyRun(servers.nas, 'elsewhere', nasPath);
    expect((await r.api.updateSettings({ nasUrl: `${r.nas.proxy.origin}/dav/elsewhere/` })).ok).toBe(true);
    r.clock.advance(2 * 3600_000);
    const job = await settled(r, id);
    expect(job.state).toBe(SyncJobState.CLEANED);
    expect(readFileSync(join(servers.nas.davRoot, nasPath, 'a.csv')).equals(body)).toBe(true);
    expect(readFileSync(join(servers.nas.davRoot, 'elsewhere', nasPath, 'a.csv')).equals(decoy)).toBe(true);
    expect(r.nas.proxy.log.filter((l) => l.includes('/dav/elsewhere/'))).toEqual([]);
  } finally {
    await r.close();
  }
});

test('a run kept because it went to another server: one kept line over many turns, no request to that server, then Stop syncing + Retry sends it to the NAS named now, which is the one looked at before freeing', async () => {
  const r = await createRaceRig(servers.nas, servers.other, { retentionHours: 1 });
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
    expect(readFileSync(join(servers.other.davRoot, job.nas_path ?? '', 'a.csv')).equals(body)).toBe(true);
    // The copy on the old NAS is left exactly as it was.
    expect(readFileSync(join(servers.nas.davRoot, nasPath, 'a.csv')).equals(body)).toBe(true);
    expect(await deviceCopy(r, id)).toBe(null);
  } finally {
    await r.close();
  }
});

test('a NAS that answers 200 (not 207) to the look with a body listing the run whole, while the file is gone: the device copy stays', async () => {
  const r = await createRaceRig(servers.nas, servers.other, { retentionHours: 1 });
  try {
    const { id, body, nasPath } = await verifiedRun(r, 'lying-listing');
    rmSync(join(servers.nas.davRoot, nasPath, 'a.csv'));
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
  const r = await createRaceRig(servers.nas, servers.other, { retentionHours: 1 });
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
    expect(readFileSync(join(servers.nas.davRoot, nasPath, 'a.csv')).equals(body)).toBe(true);
    const writes = (log: string[]) => log.filter((l) => !/^(GET|PROPFIND|OPTIONS) /.test(l) && l.includes('kept-then-discarded'));
    expect(writes(r.otherNas.proxy.log)).toEqual([]);
  } finally {
    await r.close();
  }
});

test('a run verified before migration 5, updated with the settings naming its NAS, then the settings moved to another folder of that NAS: checked where it went and freed, not failed', async () => {
  const r = await createRaceRig(servers.nas, servers.other, { retentionHours: 1 });
  try {
    const { id, body, nasPath } = await verifiedRun(r, 'verified-before-m5');
    // As the device stood before the update: schema 5 not yet applied to this run (verified_on empty),
    // the saved settings (JSON text, as the app stores them) naming the NAS the run went to.
    r.db.exec({ sql: 'UPDATE job_claims SET verified_on = NULL WHERE job_id = ?', bind: [id] });
    r.db.exec({ sql: 'INSERT INTO settings (key, value) VALUES (?, ?)', bind: ['nasUrl', JSON.stringify(r.settings.nasUrl)] });
    r.db.exec('PRAGMA user_version = 5');
    migrate(r.db);
    const decoy = decoyRun(servers.nas, 'elsewhere', nasPath);
    expect((await r.api.updateSettings({ nasUrl: `${r.nas.proxy.origin}/dav/elsewhere/` })).ok).toBe(true);
    r.clock.advance(2 * 3600_000);
    const job = await settled(r, id);
    expect(job.last_error ?? '').toBe('');
    expect(job.state).toBe(SyncJobState.CLEANED);
    expect(readFileSync(join(servers.nas.davRoot, nasPath, 'a.csv')).equals(body)).toBe(true);
    expect(readFileSync(join(servers.nas.davRoot, 'elsewhere', nasPath, 'a.csv')).equals(decoy)).toBe(true);
    expect(r.nas.proxy.log.filter((l) => l.includes('/dav/elsewhere/'))).toEqual([]);
  } finally {
    await r.close();
  }
});
