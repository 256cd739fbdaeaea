import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createRig, type Rig } from '../../../test/support/engineRig';
import type { NasKind } from '../../../test/support/nasServers';
import { nasTree, runHashes } from '../../../test/support/nasTree';
import { filesKept } from '../../../test/support/deviceCopies';

// What the NAS says is checked, not trusted: listings speak only for the folder asked, a name a listing
// hides is asked for by name, and the device copy is freed only after the NAS is read again.

type RunFiles = { relPath: string; text: string }[];
let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

async function start(run: RunFiles, settings = {}, kind: NasKind = 'embedded') {
  rig = await createRig(settings, undefined, 2_000, kind);
  const job = await rig.intake(
    'run',
    run.map((f) => ({ relPath: f.relPath, body: new Blob([f.text]) })),
  );
  rig.engine.start();
  return { r: rig, job };
}

const settled = (r: Rig, jobId: string) => r.waitFor(jobId, (j) => j.state === 'cleaned' || j.state === 'failed', 'CLEANED or FAILED');

test('a listing that names entries outside the run folder is ignored: nothing out there is deleted', async () => {
  const run = [{ relPath: 'a.csv', text: 'a' }];
  rig = await createRig();
  // Another run's folder, as deep as this run's: an answer naming it must not be taken for a file of this run.
  const victim = join(rig.davRoot, 'other-lab', '2025-06-01', 'run-9');
  mkdirSync(victim, { recursive: true });
  writeFileSync(join(victim, '.exlab-part-00000000-0'), "not the engine's");
  const extra = (p: string) =>
    `<${p}response><${p}href>/dav/other-lab/2025-06-01/run-9/.exlab-part-00000000-0</${p}href><${p}propstat><${p}prop><${p}getcontentlength>15</${p}getcontentlength>` +
    `<${p}resourcetype/></${p}prop><${p}status>HTTP/1.1 200 OK</${p}status></${p}propstat></${p}response>`;
  rig.proxy.fault = (m, p) =>
    m === 'PROPFIND' && p.includes('/run')
      ? { type: 'rewrite', edit: (xml) => xml.replace(/<\/([A-Za-z0-9]+:)?multistatus>\s*$/, (end, prefix = '') => extra(prefix) + end) }
      : null;
  const job = await rig.intake(
    'run',
    run.map((f) => ({ relPath: f.relPath, body: new Blob([f.text]) })),
  );
  rig.engine.start();
  const done = await settled(rig, job.id);
  expect(done.state).toBe('cleaned');
  expect(readFileSync(join(victim, '.exlab-part-00000000-0'), 'utf8')).toBe("not the engine's");
  expect(rig.proxy.log.filter((l) => l.startsWith('DELETE'))).toEqual([]);
});

test('on nginx, which hides dot names from listings, a run with dot files and a dot folder verifies at once', async () => {
  const run = [
    { relPath: '.hidden.txt', text: 'dot file' },
    { relPath: '.cfg/settings.ini', text: '[a]\nb=1\n' },
    { relPath: 'x.txt', text: 'plain' },
  ];
  const { r, job } = await start(run, { verifyMode: 'checksum' }, 'nginx');
  const done = await settled(r, job.id);
  expect(done).toMatchObject({ state: 'cleaned', attempts: 0 });
  expect(nasTree(join(r.davRoot, done.nas_path!))).toEqual(runHashes(run));
});

for (const change of ['deleted', 'changed'] as const) {
  test(`a NAS copy ${change} between VERIFIED and cleanup: the device copy stays, the job says why, Retry sends it again`, async () => {
    const run = [
      { relPath: 'a.csv', text: 'alpha' },
      { relPath: 'sub/b.csv', text: 'bravo' },
    ];
    const { r, job } = await start(run, { retentionHours: 1 });
    const verified = await r.waitFor(job.id, (j) => j.state === 'verified', 'VERIFIED');
    const onNas = join(r.davRoot, verified.nas_path!, 'sub', 'b.csv');
    if (change === 'deleted') rmSync(onNas);
    else writeFileSync(onNas, 'edited on the NAS by someone');
    r.clock.advance(3_600_000);
    const failed = await settled(r, job.id);
    expect(failed.state).toBe('failed');
    expect(failed.last_error).toMatch(/^nas_copy_changed: /);
    expect(await filesKept(r.localRoot, job.id, await r.stores.runFiles.listFiles(job.id))).toBe(2);
    await r.queue.resetToQueued(job.id);
    const again = await r.waitFor(job.id, (j) => j.state === 'verified', 'VERIFIED again');
    expect(nasTree(join(r.davRoot, again.nas_path!))).toEqual(runHashes(run));
    if (change === 'changed') expect(readFileSync(onNas, 'utf8')).toBe('edited on the NAS by someone');
  });
}

test('a name too long for the NAS is shortened keeping its extension; the original is in the manifest and the history', async () => {
  const long = `${'spectrum-'.repeat(29)}.fid`;
  const run = [{ relPath: long, text: 'long' }];
  const { r, job } = await start(run);
  const done = await settled(r, job.id);
  expect(done.state).toBe('cleaned');
  const [stored] = [...nasTree(join(r.davRoot, done.nas_path!)).keys()];
  expect(Buffer.byteLength(stored)).toBeLessThanOrEqual(255);
  expect(stored).toMatch(/~[0-9a-f]{8}\.fid$/);
  expect(readFileSync(join(r.davRoot, done.nas_path!, 'manifest-sha256.txt'), 'utf8')).toContain(long);
  expect((await r.stores.history.listEvents(job.id)).map((e) => e.detail ?? '').join('\n')).toContain(long);
});

test('a NAS that refuses one name (500, name too long) fails that run at once with a plain reason and leaves no temporary', async () => {
  const run = [
    { relPath: 'ok.txt', text: 'fine' },
    { relPath: `${'n'.repeat(240)}.txt`, text: 'refused here' },
  ];
  rig = await createRig();
  // nephele keeps a sidecar "<name>.nephelemeta" and answers 500 for names near 255 bytes: the MOVE
  // onto the long name is refused while every other request works.
  rig.proxy.fault = (m, p) => (m === 'MOVE' && p.endsWith('-1') ? { type: 'respond', status: 500, body: 'name too long' } : null);
  const job = await rig.intake(
    'run',
    run.map((f) => ({ relPath: f.relPath, body: new Blob([f.text]) })),
  );
  rig.engine.start();
  const done = await settled(rig, job.id);
  expect(done).toMatchObject({ state: 'failed', attempts: 0 });
  expect(done.last_error).toMatch(/^nas_name_refused: .*n{20}/);
  expect([...nasTree(join(rig.davRoot, done.nas_path!)).keys()]).toEqual(['ok.txt']);
});

test('a backslash in a file name is refused at intake with what to do, and nothing is kept', async () => {
  rig = await createRig();
  await expect(rig.intake('run', [{ relPath: 'back\\slash.txt', body: new Blob(['one file']) }])).rejects.toThrow(
    /"back\\\\slash.txt" contains a backslash .* rename the file/,
  );
  expect(await rig.queue.listAll()).toEqual([]);
  expect(readdirSync(rig.localRoot)).toEqual([]);
});

test('killed between a MOVE and the write that records it: the run resumes, finds its own file there, and ends whole', async () => {
  const run = [
    { relPath: 'a.csv', text: 'alpha' },
    { relPath: 'b.csv', text: 'bravo' },
  ];
  rig = await createRig({ concurrency: 1 });
  const r = rig;
  let moved: (status: number) => void = () => undefined;
  const serverMoved = new Promise<number>((resolve) => (moved = resolve));
  // The MOVE of the first file is carried out by the NAS; its answer never comes back, as when the tab dies.
  let armed = true;
  r.proxy.fault = (m, p) => {
    if (!(armed && m === 'MOVE' && /-0$/.test(p))) return null;
    armed = false;
    return { type: 'answer-lost', onDone: moved };
  };
  const job = await r.intake(
    'run',
    run.map((f) => ({ relPath: f.relPath, body: new Blob([f.text]) })),
  );
  r.engine.start();
  expect(await serverMoved).toBe(201);
  await r.engine.stop();
  const stopped = await r.queue.getById(job.id);
  expect(stopped?.state).toBe('running');
  // a.csv's MOVE is done on the NAS and not recorded. b.csv goes in another lane at the same time: its MOVE
  // may or may not have been answered and recorded before the stop (asserting it unrecorded failed 2 runs in 20).
  const recorded = await r.stores.runFiles.listFiles(job.id);
  expect(recorded.find((f) => f.rel_path === 'a.csv')).toMatchObject({ uploaded_at: null });
  // What start-up replay (SyncQueue.init) does to a job left RUNNING.
  await r.queue.transition(job.id, 'queued');
  r.engine.start();
  const done = await settled(r, job.id);
  expect(done).toMatchObject({ state: 'cleaned', attempts: 0, last_error: null, nas_path: stopped?.nas_path });
  expect(nasTree(join(r.davRoot, done.nas_path!))).toEqual(runHashes(run));
  expect(nasTree(join(r.davRoot, done.nas_path!), { withBookkeeping: true }).size).toBe(run.length + 2);
});
