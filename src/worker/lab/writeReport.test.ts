import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NasKind, type NasServer, startNas } from '../../../test/support/nasServers';
import { nasTree } from '../../../test/support/nasTree';
import { facts } from '../../../test/support/deviceFacts';
import { buildDeviceReport } from '../../shared/deviceReport';
import { createDavClient } from '../webdav/client';
import { davUrl } from '../webdav/davPath';
import { fetchUpload } from '../webdav/upload';
import { writeDeviceReport } from './writeReport';

// The one write that replaces (MOVE with Overwrite: T) on each real server, with the NAS URL set to a run's
// folder whose name needs every kind of escape: the device's file lands below that URL, and nothing else
// on the NAS changes: not the run's files, not a run file named like the device's file, not a tablet's
// file whose id differs only in case, not this device's file under the NAS root it used before.

const ID = '0f8e2b7a-4c1d-4e5f-9a6b-3c2d1e0f9a8b';
const RUN = ['hplc-01', 'Run #1 +ü%25 ?&=;@$,[]'];

for (const kind of ['embedded', 'apache', 'nginx'] as NasKind[]) {
  describe(kind, () => {
    let nas: NasServer;
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'exlab-write-report-'));
      nas = await startNas(kind, dir);
    });
    afterAll(async () => {
      await nas.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test("a NAS URL set to a run's folder: the device's file goes below it, and every other file keeps its bytes", async () => {
      // Written over WebDAV, so the server's own user owns them (Apache runs as www-data).
      const root = createDavClient({ baseUrl: `${nas.origin}/dav/`, upload: fetchUpload, idleTimeoutMs: 5_000 });
      const put = async (path: string[], text: string) => {
        await root.createCollections(path.slice(0, -1));
        await root.putFile(path, new Blob([text]));
      };
      await put([...RUN, 'data.json'], 'the run');
      await put([...RUN, `${ID}.json`], 'a run file named like the device file');
      await put([...RUN, '.exlab-sync', 'devices', `${ID.toUpperCase()}.json`], 'a tablet whose id differs in case');
      await put(['.exlab-sync', 'devices', `${ID}.json`], 'this device, under the NAS root it used before');
      await put(['.exlab-sync', 'devices', 'other.json'], 'another tablet');
      const before = nasTree(nas.davRoot);

      const base = davUrl(`${nas.origin}/dav/`, RUN, true);
      const dav = createDavClient({ baseUrl: new URL(base).href, upload: fetchUpload, idleTimeoutMs: 5_000 });
      for (const nowMs of [Date.UTC(2026, 10, 29, 9), Date.UTC(2026, 10, 29, 10)]) {
        await writeDeviceReport(dav, buildDeviceReport({ ...facts, deviceId: ID }, nowMs), nowMs !== Date.UTC(2026, 10, 29, 9));
      }

      const own = `${RUN.join('/')}/.exlab-sync/devices/${ID}.json`;
      const after = nasTree(nas.davRoot);
      expect([...after.keys()].filter((k) => !before.has(k))).toEqual([own]);
      for (const [path, sha] of before) expect(after.get(path), path).toBe(sha);
      const written = JSON.parse(readFileSync(join(nas.davRoot, ...own.split('/')), 'utf8')) as { deviceId: string; writtenAt: string };
      expect(written).toMatchObject({ deviceId: ID, writtenAt: '2026-11-29T10:00:00.000Z' });
    });
  });
}
