import { createHash, randomBytes } from 'node:crypto';
import { openSync, readFileSync, closeSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createRig, type Rig } from '../../../test/support/engineRig';
import { SyncJobState } from '../../shared/state';

// A big file is read back from the NAS against the SHA-256 of each of its 4 MiB pieces, taken at intake
// (hash/chunkDigests.ts), not its whole-file SHA-256: the pieces must catch what the whole caught.

const MiB = 1024 * 1024;
let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

function pieceDigests(data: Buffer): string {
  const out: Buffer[] = [];
  for (let at = 0; at < data.length; at += 4 * MiB)
    out.push(
      createHash('sha256')
        .update(data.subarray(at, at + 4 * MiB))
        .digest(),
    );
  return Buffer.concat(out).toString('hex');
}

/** Starts the engine; once the read-back of `name` reaches the NAS, one byte of the NAS's copy at `at` is changed first. */
async function changeOnNasWhenReadBack(r: Rig, jobId: string, name: string, at: number): Promise<void> {
  let release!: () => void;
  const gate = new Promise<void>((res) => (release = res));
  let arrived!: () => void;
  const reached = new Promise<void>((res) => (arrived = res));
  r.proxy.fault = (method, path) =>
    method === 'GET' && path.endsWith(`/${name}`) ? { type: 'hold', until: gate, onArrived: arrived } : null;
  r.engine.start();
  await reached;
  const job = await r.queue.getById(jobId);
  const fd = openSync(join(r.davRoot, job!.nas_path!, name), 'r+');
  try {
    const byte = Buffer.alloc(1);
    const onNas = readFileSync(join(r.davRoot, job!.nas_path!, name));
    byte[0] = onNas[at] ^ 0x01;
    writeSync(fd, byte, 0, 1, at);
  } finally {
    closeSync(fd);
  }
  r.proxy.fault = () => null;
  release();
}

test('intake keeps the SHA-256 of each 4 MiB piece of a big file, and none for a small one', async () => {
  rig = await createRig({ verifyMode: 'checksum' });
  const big = randomBytes(9 * MiB + 5);
  const job = await rig.intake('pieces kept', [
    { relPath: 'image.tif', body: new Blob([big]) },
    { relPath: 'small.csv', body: new Blob([randomBytes(100)]) },
  ]);
  const kept = await rig.stores.runFiles.chunkDigests(job.id, 0);
  expect({ chunkBytes: kept?.chunkBytes, digests: Buffer.from(kept?.digests ?? []).toString('hex') }).toEqual({
    chunkBytes: 4 * MiB,
    digests: pieceDigests(big),
  });
  expect(await rig.stores.runFiles.chunkDigests(job.id, 1)).toBeNull();
  // A job deleted (discarded, or its history pruned) takes its pieces with it.
  await rig.queue.delete(job.id);
  expect(await rig.stores.runFiles.chunkDigests(job.id, 0)).toBeNull();
});

test('a big file changed on the NAS by one byte in its middle piece, at the same size, fails verify by its name', async () => {
  rig = await createRig({ verifyMode: 'checksum' });
  const job = await rig.intake('big, changed on the NAS', [
    { relPath: 'image.tif', body: new Blob([randomBytes(9 * MiB + 5)]) },
    { relPath: 'small.csv', body: new Blob([randomBytes(100)]) },
  ]);
  await changeOnNasWhenReadBack(rig, job.id, 'image.tif', 6 * MiB + 3);
  const failed = await rig.waitFor(job.id, (j) => (j.last_error ?? '').includes('checksum differs'), 'verify to fail');
  expect(failed.last_error).toContain('image.tif');
  expect(failed.last_error).not.toContain('small.csv');
  expect(failed.verify_passes).toBe(0);
});

test('a big file taken in before the pieces were kept is read back against its whole SHA-256: a change is still caught', async () => {
  rig = await createRig({ verifyMode: 'checksum' });
  const job = await rig.intake('big, older version', [{ relPath: 'image.tif', body: new Blob([randomBytes(9 * MiB + 5)]) }]);
  rig.db.exec('DELETE FROM job_file_chunks');
  expect(await rig.stores.runFiles.chunkDigests(job.id, 0)).toBeNull();
  await changeOnNasWhenReadBack(rig, job.id, 'image.tif', 5 * MiB);
  const failed = await rig.waitFor(job.id, (j) => (j.last_error ?? '').includes('checksum differs'), 'verify to fail');
  expect(failed.last_error).toContain('image.tif');
});

test('a big file whole on the NAS verifies, is read back again before its device copy is freed, and is freed', async () => {
  rig = await createRig({ verifyMode: 'checksum', cleanupCheck: 'checksum', retentionHours: 0 });
  const big = randomBytes(9 * MiB + 5);
  const job = await rig.intake('big, whole', [{ relPath: 'image.tif', body: new Blob([big]) }]);
  rig.engine.start();
  const done = await rig.waitFor(
    job.id,
    (j) => j.state === SyncJobState.CLEANED || j.state === SyncJobState.FAILED,
    'the device copy freed',
  );
  expect(done.state).toBe(SyncJobState.CLEANED);
  expect(readFileSync(join(rig.davRoot, done.nas_path!, 'image.tif')).equals(big)).toBe(true);
  // Two read-backs of the file: verify's, and the look before the device copy went.
  expect(rig.proxy.log.filter((l) => l.startsWith('GET') && l.includes('image.tif'))).toHaveLength(2);
});
