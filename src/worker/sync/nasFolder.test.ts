import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createRig, type Rig } from '../../../test/support/engineRig';
import { type NasKind, type NasServer, startNas } from '../../../test/support/nasServers';
import { nasTree, runHashes } from '../../../test/support/nasTree';

// A run's NAS folder is its own: claimed before the first file, never shared with another run, never
// overwritten, and nothing in it is deleted that this job did not create. Real servers on 127.0.0.1.

type RunFiles = { relPath: string; text: string }[];
const rigs: Rig[] = [];
const servers: NasServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
  for (const s of servers.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function rigOn(nas: NasServer | NasKind, settings = {}): Promise<Rig> {
  const rig = await createRig(settings, undefined, 2_000, nas);
  rigs.push(rig);
  return rig;
}

async function sharedNas(kind: NasKind): Promise<NasServer> {
  const dir = mkdtempSync(join(tmpdir(), 'exlab-nas-'));
  dirs.push(dir);
  const nas = await startNas(kind, dir);
  servers.push(nas);
  return nas;
}

const intake = (rig: Rig, runName: string, files: RunFiles) =>
  rig.intake(
    runName,
    files.map((f) => ({ relPath: f.relPath, body: new Blob([f.text]) })),
  );

const settled = (rig: Rig, jobId: string) => rig.waitFor(jobId, (j) => j.state === 'cleaned' || j.state === 'failed', 'CLEANED or FAILED');

function manifestPaths(davRoot: string, nasPath: string): string[] {
  const text = readFileSync(join(davRoot, nasPath, 'manifest-sha256.txt'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.slice(66))
    .sort();
}

describe.each(['embedded', 'apache', 'nginx'] as const)('on %s', (kind) => {
  test('a user file named like the engine temporary is uploaded and kept, on both sides', async () => {
    const rig = await rigOn(kind, { verifyMode: 'size' });
    const run = [
      { relPath: '.exlab-part-notes.txt', text: 'the technician wrote this' },
      { relPath: 'data.csv', text: '1,2,3\n' },
    ];
    const job = await intake(rig, 'run', run);
    rig.engine.start();
    const done = await settled(rig, job.id);
    expect(done.state).toBe('cleaned');
    expect(nasTree(join(rig.davRoot, done.nas_path!))).toEqual(runHashes(run));
  });
});

describe.each(['embedded', 'apache'] as const)('two devices on one %s NAS', (kind) => {
  test('same equipment id, run name and day, started together: two folders, each whole with its own manifest', async () => {
    const nas = await sharedNas(kind);
    const [a, b] = [await rigOn(nas), await rigOn(nas)];
    // B's "sub" is a file named like A's sub-folder: it must not replace that folder.
    const runA = [
      { relPath: 'a.txt', text: 'from tablet A' },
      { relPath: 'sub/x.txt', text: 'A, inside sub' },
    ];
    const runB = [
      { relPath: 'b.txt', text: 'from tablet B' },
      { relPath: 'sub', text: 'B, a file named sub' },
    ];
    const [ja, jb] = [await intake(a, 'run-1', runA), await intake(b, 'run-1', runB)];
    expect(ja.nas_path).toBe(jb.nas_path);
    a.engine.start();
    b.engine.start();
    const [da, db] = [await settled(a, ja.id), await settled(b, jb.id)];
    expect([da.state, db.state]).toEqual(['cleaned', 'cleaned']);
    expect(da.nas_path).not.toBe(db.nas_path);
    expect(nasTree(join(nas.davRoot, da.nas_path!))).toEqual(runHashes(runA));
    expect(nasTree(join(nas.davRoot, db.nas_path!))).toEqual(runHashes(runB));
    expect(manifestPaths(nas.davRoot, da.nas_path!)).toEqual(['a.txt', 'sub/x.txt']);
    expect(manifestPaths(nas.davRoot, db.nas_path!)).toEqual(['b.txt', 'sub']);
  });
});

test('two intakes of the same run name racing on one device end in two folders', async () => {
  const rig = await rigOn('embedded');
  const runA = [{ relPath: 'one.txt', text: 'first' }];
  const runB = [{ relPath: 'one.txt', text: 'second, same name' }];
  const [ja, jb] = await Promise.all([intake(rig, 'same', runA), intake(rig, 'same', runB)]);
  rig.engine.start();
  const [da, db] = [await settled(rig, ja.id), await settled(rig, jb.id)];
  expect(da.nas_path).not.toBe(db.nas_path);
  expect(nasTree(join(rig.davRoot, da.nas_path!))).toEqual(runHashes(runA));
  expect(nasTree(join(rig.davRoot, db.nas_path!))).toEqual(runHashes(runB));
});

test('after the history is purged (or the app installed again), a run of the same name does not overwrite the first', async () => {
  const rig = await rigOn('embedded', { pathTemplate: '{equipment_id}/{run_name}' });
  const first = [{ relPath: 'result.csv', text: 'first run' }];
  const second = [{ relPath: 'result.csv', text: 'second run, other data' }];
  const j1 = await intake(rig, 'daily', first);
  rig.engine.start();
  const d1 = await settled(rig, j1.id);
  expect(d1.state).toBe('cleaned');
  await rig.queue.delete(j1.id);
  const j2 = await intake(rig, 'daily', second);
  const d2 = await settled(rig, j2.id);
  expect(d2.state).toBe('cleaned');
  expect(d2.nas_path).not.toBe(d1.nas_path);
  expect(nasTree(join(rig.davRoot, d1.nas_path!))).toEqual(runHashes(first));
  expect(nasTree(join(rig.davRoot, d2.nas_path!))).toEqual(runHashes(second));
});

test("a folder that already holds files and no claim is not this run's: the run takes the next free name", async () => {
  const rig = await rigOn('embedded');
  const foreign = join(rig.davRoot, 'hplc-01', '2025-06-01', 'run');
  mkdirSync(foreign, { recursive: true });
  writeFileSync(join(foreign, 'data.csv'), 'copied there by hand');
  const run = [{ relPath: 'data.csv', text: 'the run' }];
  const job = await intake(rig, 'run', run);
  rig.engine.start();
  const done = await settled(rig, job.id);
  expect(done).toMatchObject({ state: 'cleaned', nas_path: 'hplc-01/2025-06-01/run (2)' });
  expect(readFileSync(join(foreign, 'data.csv'), 'utf8')).toBe('copied there by hand');
  expect(nasTree(join(rig.davRoot, done.nas_path!))).toEqual(runHashes(run));
  const history = await rig.stores.history.listEvents(job.id);
  expect(history.map((e) => e.detail ?? '').join('\n')).toContain('hplc-01/2025-06-01/run (2)');
});

test('a job with no files on the device never touches the NAS folder it names', async () => {
  const rig = await rigOn('embedded');
  const real = join(rig.davRoot, 'hplc-01', '2025-06-01', 'real');
  mkdirSync(real, { recursive: true });
  writeFileSync(join(real, 'manifest-sha256.txt'), 'the real manifest\n');
  const job = await rig.queue.insert({ runPath: '/data/real', equipmentId: 'hplc-01', nasPath: 'hplc-01/2025-06-01/real' });
  rig.engine.start();
  const done = await settled(rig, job.id);
  expect(done.state).toBe('failed');
  expect(done.last_error).toMatch(/^no_files: /);
  expect(readFileSync(join(real, 'manifest-sha256.txt'), 'utf8')).toBe('the real manifest\n');
});
