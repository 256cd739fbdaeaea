import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { twoNases, decoyRun, settled, verifiedRun } from '../../../test/support/cleanupRig';
import { createRaceRig } from '../../../test/support/raceRig';
import { SyncJobState } from '../../shared/state';

// Red team of NAS settings changes around a run's way and its cleanup: the engine's waits with runs kept
// for another NAS, and a move to another folder of the same NAS (holding another tablet's run, or its new
// empty folder, at the same path) mid-verify and mid-upload. Real WebDAV servers, a fake clock.

const servers = twoNases('nginx');

test('a kept run then stopped by the operator does not leave the engine turning without sleeping', async () => {
  const r = await createRaceRig(servers.nas, servers.other, { retentionHours: 1 });
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
  const r = await createRaceRig(servers.nas, servers.other, { retentionHours: 1, concurrency: 1 });
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
  const r = await createRaceRig(servers.nas, servers.other, { retentionHours: 1 });
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
    const decoy = decoyRun(servers.nas, 'elsewhere', nasPath);
    const decoyClaim = readFileSync(join(servers.nas.davRoot, 'elsewhere', nasPath, '.exlab-claim.json'));
    expect((await r.api.updateSettings({ nasUrl: `${r.nas.proxy.origin}/dav/elsewhere/` })).ok).toBe(true);
    await held.release();
    r.clock.advance(2 * 3600_000);
    const job = await settled(r, id);
    expect(job.last_error ?? '').toBe('');
    expect(job.state).toBe(SyncJobState.CLEANED);
    // The other run's folder is as its tablet left it: same file, same claim, nothing added.
    expect(readFileSync(join(servers.nas.davRoot, 'elsewhere', nasPath, 'a.csv')).equals(decoy)).toBe(true);
    expect(readFileSync(join(servers.nas.davRoot, 'elsewhere', nasPath, '.exlab-claim.json')).equals(decoyClaim)).toBe(true);
    // (A MKCOL there is the claim's try for the folder: refused, as it exists, and then passed over.)
    const writesThere = r.nas.proxy.log.filter((l) => !/^(GET|PROPFIND|MKCOL) /.test(l) && l.includes(`/dav/elsewhere/${nasPath}/`));
    expect(writesThere).toEqual([]);
    // Where the run was freed from, it is whole.
    const verifiedOn = (await r.stores.claims.get(id))?.verifiedOn ?? '';
    const base = verifiedOn.endsWith('/elsewhere/') ? join(servers.nas.davRoot, 'elsewhere') : servers.nas.davRoot;
    expect(readFileSync(join(base, job.nas_path ?? '', 'a.csv')).equals(body)).toBe(true);
  } finally {
    await r.close();
  }
});

test('moved to another folder mid-upload, a run does not take an empty folder there it did not create (another tablet made it a moment ago, its claim on the way)', async () => {
  const r = await createRaceRig(servers.nas, servers.other, { retentionHours: 1 });
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
    mkdirSync(join(servers.nas.davRoot, 'elsewhere', nasPath), { recursive: true });
    expect((await r.api.updateSettings({ nasUrl: `${r.nas.proxy.origin}/dav/elsewhere/` })).ok).toBe(true);
    void held.release();
    let job = await r.stores.queue.getById(id);
    for (; job?.state !== SyncJobState.VERIFIED; job = await r.stores.queue.getById(id)) {
      if (job?.state === SyncJobState.FAILED) throw new Error(`the run failed: ${job.last_error}`);
      await r.engine.nextTurn();
    }
    expect(job.nas_path).toBe(`${nasPath} (2)`);
    expect(existsSync(join(servers.nas.davRoot, 'elsewhere', nasPath, '.exlab-claim.json'))).toBe(false);
  } finally {
    await r.close();
  }
});

test('a run whose folder MKCOL got no answer (the folder made), stopped and retried under the same settings, keeps that folder as its own', async () => {
  const r = await createRaceRig(servers.nas, servers.other, { retentionHours: 1 });
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
    mkdirSync(join(servers.nas.davRoot, nasPath), { recursive: true });
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
