import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createRig, type Rig } from '../../../test/support/engineRig';
import { type NasKind, type NasServer, startNas } from '../../../test/support/nasServers';
import { MAX_FAILED_LISTED, type DeviceFacts } from '../../shared/deviceReport';
import { createDavClient } from '../webdav/client';
import { fetchUpload } from '../webdav/upload';
import { startFaultProxy } from '../../../test/support/faultProxy';
import { DevicePublisher, REFRESH_MS } from './devicePublisher';
import { readDevicesFolder } from './readDevices';

// Each device writes its state to `.exlab-sync/devices/<id>.json` at the NAS root, on real WebDAV
// servers on 127.0.0.1: the bytes on the NAS are the device's facts, another device's file is never
// touched, no temporary is left, and any device reads them all back.

const rigs: Rig[] = [];
const servers: NasServer[] = [];
const dirs: string[] = [];
const publishers: DevicePublisher[] = [];
afterEach(async () => {
  for (const p of publishers.splice(0)) await p.stop();
  for (const r of rigs.splice(0)) await r.close();
  for (const s of servers.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function sharedNas(kind: NasKind): Promise<NasServer> {
  const dir = mkdtempSync(join(tmpdir(), 'exlab-lab-'));
  dirs.push(dir);
  const nas = await startNas(kind, dir);
  servers.push(nas);
  return nas;
}

/** A device: its own queue and engine (paused, so its runs stay where the test puts them) and its publisher. */
async function device(nas: NasServer, id: string, name: string) {
  const rig = await createRig({ paused: true }, undefined, 2_000, nas);
  rigs.push(rig);
  const logged: string[] = [];
  const dav = (signal?: AbortSignal) =>
    createDavClient({ baseUrl: rig.settings.nasUrl, upload: fetchUpload, idleTimeoutMs: 2_000, signal });
  const facts = async (): Promise<DeviceFacts> => ({
    deviceId: id,
    deviceName: name,
    appVersion: '0.1.0-test',
    ...(await rig.stores.deviceFacts.queueFacts(MAX_FAILED_LISTED)),
    storage: { usedBytes: 910, quotaBytes: 1000, persistent: true },
  });
  const publisher = new DevicePublisher({ facts, clock: rig.clock, online: () => true, dav, log: (m) => logged.push(m) });
  publishers.push(publisher);
  return { rig, publisher, dav, logged, facts };
}

const fileOf = (nas: NasServer, id: string) => join(nas.davRoot, '.exlab-sync', 'devices', `${id}.json`);

for (const kind of ['embedded', 'apache'] as const) {
  describe(`on ${kind}`, () => {
    test("each device writes its own file with its facts; another device's file is untouched; any device reads both", async () => {
      const nas = await sharedNas(kind);
      const a = await device(nas, 'dev-a', 'tablet-abcd');
      const b = await device(nas, 'dev-b', 'tablet-wxyz');
      const run1 = await a.rig.intake('run 1', [{ relPath: 'x.csv', body: new Blob(['12345']) }]);
      const run2 = await a.rig.intake('run 2', [{ relPath: 'y.csv', body: new Blob(['1234567890']) }]);
      await a.rig.queue.recordFailure(run2.id, 'auth: PUT answered 401', { terminal: true });
      expect(await b.publisher.publishNow()).toBe(true);
      const bBytes = readFileSync(fileOf(nas, 'dev-b'));
      const bMtime = statSync(fileOf(nas, 'dev-b')).mtimeMs;

      expect(await a.publisher.publishNow()).toBe(true);
      const onNas = JSON.parse(readFileSync(fileOf(nas, 'dev-a'), 'utf8'));
      expect(onNas).toMatchObject({
        format: 'exlab-sync-device/1',
        deviceId: 'dev-a',
        deviceName: 'tablet-abcd',
        appVersion: '0.1.0-test',
        writtenAt: new Date(a.rig.clock.now()).toISOString(),
        oldestUnsyncedAt: run1.enqueued_at,
        states: { queued: { runs: 1, bytes: 5 }, failed: { runs: 1, bytes: 10 }, verified: { runs: 0, bytes: 0 } },
        failed: { total: 1, runs: [{ runName: 'run 2', equipmentId: 'hplc-01', error: 'auth: PUT answered 401' }] },
        storage: { usedBytes: 910, quotaBytes: 1000, persistent: true },
        lastError: { message: 'auth: PUT answered 401' },
      });

      // A change, written again over its own file only.
      await a.rig.queue.recordFailure(run1.id, 'nas_full: PUT answered 507', { terminal: true });
      a.rig.clock.advance(60_000);
      expect(await a.publisher.publishNow()).toBe(true);
      expect(JSON.parse(readFileSync(fileOf(nas, 'dev-a'), 'utf8')).failed.total).toBe(2);
      expect(readFileSync(fileOf(nas, 'dev-b'))).toEqual(bBytes);
      expect(statSync(fileOf(nas, 'dev-b')).mtimeMs).toBe(bMtime);
      expect(readdirSync(join(nas.davRoot, '.exlab-sync', 'devices')).sort()).toEqual(['dev-a.json', 'dev-b.json']);

      // Any device reads every file; one that is not a device file is a row saying so.
      writeFileSync(join(nas.davRoot, '.exlab-sync', 'devices', 'stray.json'), '{"not": "a device"}');
      writeFileSync(join(nas.davRoot, '.exlab-sync', 'devices', 'huge.json'), 'x'.repeat(300 * 1024));
      const entries = await readDevicesFolder(b.dav());
      expect(entries.map((e) => [e.file, e.report?.deviceName ?? e.problem]).sort()).toEqual([
        ['dev-a.json', 'tablet-abcd'],
        ['dev-b.json', 'tablet-wxyz'],
        ['huge.json', 'it is larger than 262.1 KB'],
        ['stray.json', 'it is not an exlab-sync device file (format exlab-sync-device/1)'],
      ]);
    });

    test('two tablets with one device id (a copied profile): neither replaces a file the other wrote since its own last write', async () => {
      const nas = await sharedNas(kind);
      const a = await device(nas, 'dev-same', 'tablet-abcd');
      const b = await device(nas, 'dev-same', 'tablet-copy');
      expect(await a.publisher.publishNow()).toBe(true);
      // b has written nothing since it started: it takes the file as its own, once.
      expect(await b.publisher.publishNow()).toBe(true);
      const bBytes = readFileSync(fileOf(nas, 'dev-same'));
      expect(JSON.parse(bBytes.toString('utf8')).deviceName).toBe('tablet-copy');

      a.rig.clock.advance(60_000);
      expect(await a.publisher.publishNow()).toBe(false);
      expect(a.logged).toEqual([expect.stringMatching(/written by another device .*two devices share this device's id/)]);
      expect(readFileSync(fileOf(nas, 'dev-same'))).toEqual(bBytes);
      expect(readdirSync(join(nas.davRoot, '.exlab-sync', 'devices')).filter((f) => !f.startsWith('.'))).toEqual(['dev-same.json']);

      // b's own file is still b's to write.
      b.rig.clock.advance(60_000);
      expect(await b.publisher.publishNow()).toBe(true);
      expect(JSON.parse(readFileSync(fileOf(nas, 'dev-same'), 'utf8')).writtenAt).toBe(new Date(b.rig.clock.now()).toISOString());
    });
  });
}

// The embedded server replaced the folder and all in it on the code before; Apache refused the MOVE.
test.each(['embedded', 'apache'] as const)(
  "on %s, a folder where this device's file would go is never replaced, not even by the first write after start",
  async (kind) => {
    const nas = await sharedNas(kind);
    const a = await device(nas, 'dev-a', 'tablet-abcd');
    mkdirSync(fileOf(nas, 'dev-a'), { recursive: true });
    writeFileSync(join(fileOf(nas, 'dev-a'), 'kept.csv'), 'a person put this here');
    expect(await a.publisher.publishNow()).toBe(false);
    expect(a.logged).toEqual([expect.stringMatching(/is a folder, not this device's state file; it was not replaced/)]);
    expect(readFileSync(join(fileOf(nas, 'dev-a'), 'kept.csv'), 'utf8')).toBe('a person put this here');
  },
);

test('written after a change, and again when the refresh is due though nothing changed', async () => {
  const nas = await sharedNas('embedded');
  const a = await device(nas, 'dev-a', 'tablet-abcd');
  a.publisher.start();
  const writtenAt = () => {
    try {
      return JSON.parse(readFileSync(fileOf(nas, 'dev-a'), 'utf8')).writtenAt as string;
    } catch {
      return null;
    }
  };
  await expect.poll(writtenAt, { timeout: 10_000 }).toBe(new Date(a.rig.clock.now()).toISOString());
  await a.rig.intake('run 1', [{ relPath: 'x.csv', body: new Blob(['12345']) }]);
  a.publisher.changed();
  const queuedRuns = () => JSON.parse(readFileSync(fileOf(nas, 'dev-a'), 'utf8')).states.queued.runs;
  await expect.poll(queuedRuns, { timeout: 10_000 }).toBe(1);
  a.rig.clock.advance(REFRESH_MS);
  await expect.poll(writtenAt, { timeout: 10_000 }).toBe(new Date(a.rig.clock.now()).toISOString());
});

test('a NAS that cannot be written is logged and tried later; the runs are untouched', async () => {
  const nas = await sharedNas('embedded');
  const a = await device(nas, 'dev-a', 'tablet-abcd');
  const run = await a.rig.intake('run 1', [{ relPath: 'x.csv', body: new Blob(['12345']) }]);
  // A file where the app's folder should be: MKCOL and PUT below it fail.
  writeFileSync(join(nas.davRoot, '.exlab-sync'), 'not a folder');
  expect(await a.publisher.publishNow()).toBe(false);
  expect(a.logged).toEqual([expect.stringMatching(/^This device's state could not be written to the NAS/)]);
  expect(await a.rig.queue.getById(run.id)).toEqual(run);
  rmSync(join(nas.davRoot, '.exlab-sync'));
  mkdirSync(join(nas.davRoot, '.exlab-sync'));
  expect(await a.publisher.publishNow()).toBe(true);
});

test("a MOVE whose answer was lost, then the NAS away for many tries: the file it holds is still this device's own", async () => {
  const nas = await sharedNas('embedded');
  const a = await device(nas, 'dev-a', 'tablet-abcd');
  const nasOrigin = new URL(a.rig.settings.nasUrl).origin;
  const proxy = await startFaultProxy(nasOrigin);
  try {
    const dav = (signal?: AbortSignal) =>
      createDavClient({
        baseUrl: a.rig.settings.nasUrl.replace(nasOrigin, proxy.origin),
        upload: fetchUpload,
        idleTimeoutMs: 1_000,
        signal,
      });
    const publisher = new DevicePublisher({ facts: a.facts, clock: a.rig.clock, online: () => true, dav, log: () => undefined });
    publishers.push(publisher);
    expect(await publisher.publishNow()).toBe(true);
    // The NAS replaces the file but its answer never comes back.
    proxy.fault = (method) => (method === 'MOVE' ? { type: 'answer-lost' } : null);
    a.rig.clock.advance(60_000);
    expect(await publisher.publishNow()).toBe(false);
    const landed = JSON.parse(readFileSync(fileOf(nas, 'dev-a'), 'utf8')).writtenAt as string;
    expect(landed).toBe(new Date(a.rig.clock.now()).toISOString());
    proxy.fault = () => null;
    await proxy.setDown(true);
    for (let i = 0; i < 12; i++) {
      a.rig.clock.advance(60_000);
      expect(await publisher.publishNow()).toBe(false);
    }
    await proxy.setDown(false);
    a.rig.clock.advance(60_000);
    expect(await publisher.publishNow()).toBe(true);
    expect(JSON.parse(readFileSync(fileOf(nas, 'dev-a'), 'utf8')).writtenAt).toBe(new Date(a.rig.clock.now()).toISOString());
  } finally {
    await proxy.stop();
  }
}, 60_000);
