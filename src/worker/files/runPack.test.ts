import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { deviceCopies } from '../../../test/support/deviceCopies';
import { createNodeFileStore } from '../../../test/support/nodeFileStore';
import { createRig, type Rig } from '../../../test/support/engineRig';
import { migrate } from '../db/schema';
import { CHUNK_BYTES } from './sourceChunks';

// A run's small files share one device file, its pack (runPack.ts); a big file keeps one of its own.
// What a technician relies on: every file is on the device whole until the NAS holds it, and a run
// taken in before packs (every file on its own) still goes to the NAS.

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * A run as the version before packs stored it: every file of its own (f<seq>), rows without pack_offset;
 * `rowSeq` gives the seq each file's row names (a damaged row names another file's).
 */
async function runBeforePacks(rig: Rig, files: { relPath: string; bytes: Uint8Array }[], nasPath: string, rowSeq = (seq: number) => seq) {
  const store = createNodeFileStore(rig.localRoot);
  const jobId = crypto.randomUUID();
  const stored = [];
  for (const [seq, f] of files.entries()) stored.push(await store.write(jobId, seq, new Blob([new Uint8Array(f.bytes)])));
  return rig.stores.runFiles.insertRun(
    { jobId, runPath: `/intake/${jobId}`, equipmentId: 'hplc-01', nasPath },
    stored.map((s, i) => ({ seq: rowSeq(s.seq), rel_path: files[i].relPath, size: s.size, sha256: s.sha256 })),
  );
}

test('intake keeps small files side by side in one pack, a big one on its own, every byte where the row says', async () => {
  rig = await createRig({ paused: true });
  const files = [
    { relPath: 'a.csv', bytes: randomBytes(1500) },
    { relPath: 'empty.bin', bytes: new Uint8Array(0) },
    { relPath: 'exactly one chunk.bin', bytes: randomBytes(CHUNK_BYTES) },
    { relPath: 'big.raw', bytes: randomBytes(CHUNK_BYTES + 1) },
    { relPath: 'plate/b.csv', bytes: randomBytes(20_000) },
  ];
  const job = await rig.intake(
    'packed',
    files.map((f) => ({ relPath: f.relPath, body: new Blob([f.bytes]) })),
  );
  const rows = await rig.stores.runFiles.listFiles(job.id);
  expect(rows.map((r) => [r.rel_path, r.pack_offset])).toEqual([
    ['a.csv', 0],
    ['empty.bin', 1500],
    ['exactly one chunk.bin', 1500],
    ['big.raw', null],
    ['plate/b.csv', 1500 + CHUNK_BYTES],
  ]);
  expect(readdirSync(join(rig.localRoot, job.id)).sort()).toEqual(['f3', 'pack']);
  const copies = await deviceCopies(rig.localRoot, job.id, rows);
  files.forEach((f, i) => expect(sha(copies[i]!)).toBe(sha(f.bytes)));
  rows.forEach((r, i) => expect(r.sha256).toBe(sha(files[i].bytes)));
});

test('a run of small files only has no file of its own on the device; one of big files only has no pack', async () => {
  rig = await createRig({ paused: true });
  const small = await rig.intake('small', [
    { relPath: 'x.txt', body: new Blob(['x']) },
    { relPath: 'y.txt', body: new Blob(['yy']) },
  ]);
  expect(readdirSync(join(rig.localRoot, small.id))).toEqual(['pack']);
  expect(readFileSync(join(rig.localRoot, small.id, 'pack')).toString()).toBe('xyy');
  const big = await rig.intake('big', [{ relPath: 'big.raw', body: new Blob([randomBytes(CHUNK_BYTES + 10)]) }]);
  expect(readdirSync(join(rig.localRoot, big.id))).toEqual(['f0']);
});

test('a run taken in before packs (each file as f<seq>, no pack offset) goes to the NAS and verifies, bytes equal', async () => {
  rig = await createRig();
  const files = [
    { relPath: 'old-1.csv', bytes: randomBytes(3000) },
    { relPath: 'old-2.csv', bytes: randomBytes(10) },
  ];
  const job = await runBeforePacks(rig, files, 'hplc-01/old-run');
  expect((await rig.stores.runFiles.listFiles(job.id)).map((r) => r.pack_offset)).toEqual([null, null]);
  rig.engine.start();
  await rig.waitFor(job.id, (j) => j.state === 'cleaned', 'CLEANED');
  for (const f of files) expect(sha(readFileSync(join(rig.davRoot, 'hplc-01/old-run', f.relPath)))).toBe(sha(f.bytes));
});

test('the migration that adds pack offsets keeps every row, leaves old files at null, and may run again', async () => {
  rig = await createRig({ paused: true });
  const job = await rig.intake('before', [{ relPath: 'a.csv', body: new Blob(['a']) }]);
  // The database as schema 8 left it: no such column at all.
  rig.db.exec('ALTER TABLE job_files DROP COLUMN pack_offset');
  rig.db.exec('PRAGMA user_version = 8');
  migrate(rig.db);
  expect((await rig.stores.runFiles.listFiles(job.id)).map((r) => [r.rel_path, r.size, r.pack_offset])).toEqual([['a.csv', 1, null]]);
  // Run again over a database that has the column (a user_version set back): it opens, rows as they were.
  rig.db.exec({ sql: 'UPDATE job_files SET pack_offset = 0 WHERE job_id = ?', bind: [job.id] });
  rig.db.exec('PRAGMA user_version = 8');
  migrate(rig.db);
  expect((await rig.stores.runFiles.listFiles(job.id)).map((r) => r.pack_offset)).toEqual([0]);
  expect(rig.db.selectValue('PRAGMA user_version')).toBe(9);
});

// A damaged database (or a row written by hand) may name a place that is not in the pack. Blob.slice
// counts a negative start from the end, and a big file is never packed: either read would be another
// file's bytes, which a "size" verify and a "size" clean-up check accept before the device copy goes.
const damaged = [
  { what: 'a negative offset', files: [1000, 1000], row: 1, offset: -2000 },
  { what: 'a big file said to be in the pack', files: [3 * 1024 * 1024, 3 * 1024 * 1024, CHUNK_BYTES + 1], row: 2, offset: 0 },
  // In the pack, at another file of the same size: the bytes read are checked against the file's SHA-256.
  {
    what: "an offset inside the pack, at another file's bytes",
    files: [1000, 1000],
    row: 1,
    offset: 0,
    detail: 'its device copy does not hold the bytes that were picked',
  },
];
for (const d of damaged) {
  test(`a row with ${d.what} sends no other file's bytes: local_file_vanished, the device copy kept`, async () => {
    rig = await createRig({ verifyMode: 'size', cleanupCheck: 'size' });
    const files = d.files.map((size, i) => ({ relPath: `f-${i}.bin`, bytes: randomBytes(size) }));
    const job = await rig.intake(
      'damaged',
      files.map((f) => ({ relPath: f.relPath, body: new Blob([f.bytes]) })),
    );
    rig.db.exec({ sql: 'UPDATE job_files SET pack_offset = ? WHERE job_id = ? AND seq = ?', bind: [d.offset, job.id, d.row] });
    rig.engine.start();
    const settled = await rig.waitFor(job.id, (j) => j.state === 'failed' || j.state === 'cleaned', 'FAILED or CLEANED');
    const lost = files[d.row];
    const onNas = join(rig.davRoot, settled.nas_path!, lost.relPath);
    // Nothing but this file's own bytes under its name, and the device copy stays.
    if (existsSync(onNas)) expect(sha(readFileSync(onNas))).toBe(sha(lost.bytes));
    const why = d.detail ? ` (${d.detail})` : '';
    expect(settled).toMatchObject({ state: 'failed', last_error: `local_file_vanished: ${lost.relPath}${why}`, attempts: 0 });
    expect(existsSync(join(rig.localRoot, job.id))).toBe(true);
  });
}

// The same damage in a run taken in before packs: rows naming each other's f<seq> (each with its own size
// and SHA-256). A small file of its own is checked as a packed one is (provenBody.ts).
test("a run taken in before packs whose rows name each other's device file sends neither: local_file_vanished, the device copy kept", async () => {
  rig = await createRig({ verifyMode: 'size', cleanupCheck: 'size' });
  const files = [
    { relPath: 'a.csv', bytes: randomBytes(3000) },
    { relPath: 'b.csv', bytes: randomBytes(3000) },
  ];
  // Each row names the other file's f<seq>.
  const job = await runBeforePacks(rig, files, 'hplc-01/swapped', (seq) => 1 - seq);
  rig.engine.start();
  const settled = await rig.waitFor(job.id, (j) => j.state === 'failed' || j.state === 'cleaned', 'FAILED or CLEANED');
  for (const f of files) {
    const onNas = join(rig.davRoot, 'hplc-01/swapped', f.relPath);
    if (existsSync(onNas)) expect(sha(readFileSync(onNas)), `${f.relPath} on the NAS`).toBe(sha(f.bytes));
  }
  expect(settled).toMatchObject({
    state: 'failed',
    last_error: expect.stringMatching(/^local_file_vanished: [ab]\.csv \(its device copy does not hold/),
  });
  expect(existsSync(join(rig.localRoot, job.id))).toBe(true);
});
