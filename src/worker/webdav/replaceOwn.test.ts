import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type NasServer, startNas } from '../../../test/support/nasServers';
import { createDavClient } from './client';
import { fetchUpload } from './upload';

// The one MOVE with Overwrite: T replaces only a device's own state file: any other destination (a run's
// file another run or tablet wrote) is refused before a request is sent, and the file stays as it was.

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

test("a replacing MOVE onto another run's file is refused and the file is untouched; the device's own file is replaced", async () => {
  const root = nas.davRoot;
  mkdirSync(join(root, 'hplc-01', 'run-a'), { recursive: true });
  mkdirSync(join(root, '.exlab-sync', 'devices'), { recursive: true });
  writeFileSync(join(root, 'hplc-01', 'run-a', 'data.csv'), 'another run');
  writeFileSync(join(root, 'hplc-01', 'run-a', 'mine.part'), 'this device');
  writeFileSync(join(root, '.exlab-sync', 'devices', 'd1.json'), 'old');
  writeFileSync(join(root, '.exlab-sync', 'devices', '.d1.json.part'), 'new');
  const dav = createDavClient({ baseUrl: `${nas.origin}/dav/`, upload: fetchUpload, idleTimeoutMs: 5_000 });

  await expect(dav.replaceOwnFile(['hplc-01', 'run-a', 'mine.part'], ['hplc-01', 'run-a', 'data.csv'])).rejects.toThrow(
    /refused to replace/,
  );
  expect(readFileSync(join(root, 'hplc-01', 'run-a', 'data.csv'), 'utf8')).toBe('another run');

  await dav.replaceOwnFile(['.exlab-sync', 'devices', '.d1.json.part'], ['.exlab-sync', 'devices', 'd1.json']);
  expect(readFileSync(join(root, '.exlab-sync', 'devices', 'd1.json'), 'utf8')).toBe('new');
});
