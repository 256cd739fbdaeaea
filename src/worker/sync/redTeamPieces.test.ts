import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createRig, type Rig } from '../../../test/support/engineRig';
import { SyncJobState } from '../../shared/state';
import { createDavClient } from '../webdav/client';
import { fetchUpload } from '../webdav/upload';
import { nasFileMatches } from './readBack';

// Red team on the piece-by-piece read-back (hash/chunkDigests.ts): the digests of a big file's 4 MiB
// pieces decide whether the NAS holds exactly the bytes intake read, before its device copy is freed.

const MiB = 1024 * 1024;
const PIECE = 4 * MiB;
let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

// Verified (then freed: retention 0), failed, or told that a file differs on the NAS.
const ENDS: string[] = [SyncJobState.VERIFIED, SyncJobState.CLEANED, SyncJobState.FAILED];
const ended = (j: { state: string; last_error: string | null }) => ENDS.includes(j.state) || (j.last_error ?? '').includes('differs');
const verified = (j: { verify_passes: number; last_error: string | null }) => ({ passes: j.verify_passes, error: j.last_error });

/** The run's NAS folder, read in a callback that cannot wait. */
function readNasPath(r: Rig, jobId: string): string {
  const row = r.db.selectValue('SELECT nas_path FROM jobs WHERE id = ?', [jobId]);
  return String(row);
}

/** Starts the engine; the read-backs of `names` wait at the proxy until `change` has run on the NAS. */
async function changeOnNasWhenReadBack(r: Rig, names: string[], change: () => void): Promise<void> {
  let release!: () => void;
  const gate = new Promise<void>((res) => (release = res));
  let arrived!: () => void;
  const reached = new Promise<void>((res) => (arrived = res));
  r.proxy.fault = (method, path) =>
    method === 'GET' && names.some((n) => path.endsWith(`/${n}`)) ? { type: 'hold', until: gate, onArrived: arrived } : null;
  r.engine.start();
  await reached;
  change();
  r.proxy.fault = () => null;
  release();
}

test('the NAS copy is read back against its own file\u2019s pieces: two big files of one size swapped on the NAS both fail', async () => {
  rig = await createRig({ verifyMode: 'checksum' });
  const job = await rig.intake('two of one size', [
    { relPath: 'a.tif', body: new Blob([randomBytes(9 * MiB + 5)]) },
    { relPath: 'b.tif', body: new Blob([randomBytes(9 * MiB + 5)]) },
  ]);
  const davRoot = rig.davRoot;
  await changeOnNasWhenReadBack(rig, ['a.tif', 'b.tif'], () => {
    const folder = join(davRoot, readNasPath(rig!, job.id));
    renameSync(join(folder, 'a.tif'), join(folder, 'swap'));
    renameSync(join(folder, 'b.tif'), join(folder, 'a.tif'));
    renameSync(join(folder, 'swap'), join(folder, 'b.tif'));
  });
  const failed = await rig.waitFor(job.id, ended, 'verify to end');
  expect(failed.last_error).toContain('checksum differs on the NAS: a.tif, b.tif');
});

test('same size is not same bytes: pieces reordered, one piece more or less, or one byte more are told apart', async () => {
  rig = await createRig({ verifyMode: 'checksum' });
  const big = randomBytes(3 * PIECE + 5);
  const job = await rig.intake('reordered', [{ relPath: 'image.tif', body: new Blob([big]) }]);
  const [file] = await rig.stores.runFiles.listFiles(job.id);
  const dav = createDavClient({ baseUrl: rig.settings.nasUrl, upload: fetchUpload });
  const piece = (i: number) => big.subarray(i * PIECE, (i + 1) * PIECE);
  const onNas = {
    same: big,
    swapped: Buffer.concat([piece(1), piece(0), piece(2), piece(3)]),
    onePieceMore: Buffer.concat([piece(0), big]),
    onePieceLess: Buffer.concat([piece(0), piece(1), piece(3)]),
    oneByteMore: Buffer.concat([big, Buffer.from([0])]),
  };
  const seen: Record<string, boolean> = {};
  for (const [name, bytes] of Object.entries(onNas)) {
    writeFileSync(join(rig.davRoot, name), bytes);
    seen[name] = await nasFileMatches(dav, rig.stores.runFiles, job.id, file, [name], new AbortController().signal);
  }
  expect(seen).toEqual({ same: true, swapped: false, onePieceMore: false, onePieceLess: false, oneByteMore: false });
});

test('a stored piece list that cannot be this file\u2019s (piece size 0, damaged) is not trusted: verify ends on the whole-file SHA-256', async () => {
  rig = await createRig({ verifyMode: 'checksum' });
  const big = randomBytes(9 * MiB + 5);
  const job = await rig.intake('damaged pieces', [{ relPath: 'image.tif', body: new Blob([big]) }]);
  // A piece size of 0 made the read-back loop for ever on the first chunk: verify never ended, no
  // abort reached it, and stopping the engine waited on it for good.
  rig.db.exec('UPDATE job_file_chunks SET chunk_bytes = 0');
  rig.engine.start();
  const done = await rig.waitFor(job.id, ended, 'verify to end');
  expect(verified(done)).toEqual({ passes: 1, error: null });
  expect(readFileSync(join(rig.davRoot, done.nas_path!, 'image.tif')).equals(big)).toBe(true);
});

test('a stored piece list of the wrong length for the file is not trusted: a good copy verifies, a changed one is still caught', async () => {
  rig = await createRig({ verifyMode: 'checksum' });
  const good = await rig.intake('pieces cut short', [{ relPath: 'image.tif', body: new Blob([randomBytes(9 * MiB + 5)]) }]);
  const changed = await rig.intake('pieces cut short, changed', [{ relPath: 'scan.tif', body: new Blob([randomBytes(9 * MiB + 5)]) }]);
  // One digest short of the three pieces: no read-back can ever equal it, so the good copy failed verify for good.
  rig.db.exec('UPDATE job_file_chunks SET digests = substr(digests, 1, 64)');
  const davRoot = rig.davRoot;
  await changeOnNasWhenReadBack(rig, ['scan.tif'], () => {
    const path = join(davRoot, readNasPath(rig!, changed.id), 'scan.tif');
    const bytes = readFileSync(path);
    bytes[5 * MiB] ^= 1;
    writeFileSync(path, bytes);
  });
  expect(verified(await rig.waitFor(good.id, ended, 'verify of the good copy'))).toEqual({ passes: 1, error: null });
  expect((await rig.waitFor(changed.id, ended, 'verify of the changed copy')).last_error).toContain(
    'checksum differs on the NAS: scan.tif',
  );
});
