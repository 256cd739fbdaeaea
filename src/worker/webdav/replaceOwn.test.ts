import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type NasServer, startNas } from '../../../test/support/nasServers';
import { createDavClient } from './client';
import { fetchUpload } from './upload';

// The one MOVE with Overwrite: T replaces only a device's own state file, named from its id: any other
// name (a run's file another run wrote, another tablet's file) is refused before a request is sent.

const ID = '0f8e2b7a-4c1d-4e5f-9a6b-3c2d1e0f9a8b';
let nas: NasServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exlab-replace-'));
  nas = await startNas('embedded', dir);
});
afterAll(async () => {
  await nas.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("a replacing MOVE onto another run's file or another tablet's is refused and the file is untouched; the device's own file is replaced", async () => {
  const root = nas.davRoot;
  mkdirSync(join(root, 'hplc-01', 'run-a'), { recursive: true });
  mkdirSync(join(root, '.exlab-sync', 'devices'), { recursive: true });
  writeFileSync(join(root, 'hplc-01', 'run-a', 'data.json'), 'another run');
  writeFileSync(join(root, 'hplc-01', 'run-a', '.data.json.part'), 'this device');
  writeFileSync(join(root, '.exlab-sync', 'devices', 'other.json'), 'another tablet');
  writeFileSync(join(root, '.exlab-sync', 'devices', '.other.json.part'), 'this device');
  writeFileSync(join(root, '.exlab-sync', 'devices', `${ID}.json`), 'old');
  writeFileSync(join(root, '.exlab-sync', 'devices', `.${ID}.json.part`), 'new');
  const dav = createDavClient({ baseUrl: `${nas.origin}/dav/`, upload: fetchUpload, idleTimeoutMs: 5_000 });

  // Only a device id names what is replaced: a name that climbs out of the devices folder onto a run's
  // file, or any name that is not a device id, is refused before a request is sent.
  for (const notAnId of ['../../hplc-01/run-a/data', '../devices/other', '.other', '']) {
    await expect(dav.replaceDeviceReport(notAnId)).rejects.toThrow(/refused to replace/);
  }
  expect(readFileSync(join(root, 'hplc-01', 'run-a', 'data.json'), 'utf8')).toBe('another run');
  expect(readFileSync(join(root, '.exlab-sync', 'devices', 'other.json'), 'utf8')).toBe('another tablet');

  await dav.replaceDeviceReport(ID);
  expect(readFileSync(join(root, '.exlab-sync', 'devices', `${ID}.json`), 'utf8')).toBe('new');
});
