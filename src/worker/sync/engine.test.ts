import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, truncateSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { hashTree } from '../../../test/support/hashTree';
import { createRig, type Rig } from '../../../test/support/engineRig';
import { filesKept } from '../../../test/support/deviceCopies';

// The engine in Node against a real WebDAV server (webdav-server, on disk) behind a real HTTP proxy on
// 127.0.0.1 that injects the faults; SQLite is the real WASM build; the clock is the test's.

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function sampleRun(): { relPath: string; bytes: Uint8Array }[] {
  const names = [
    'plain.csv',
    'with space.txt',
    'hash#1.dat',
    'percent%20.bin',
    'plus+sign.txt',
    'ünïcødé-α.txt',
    'empty.bin',
    'a/b/deep.txt',
    'a/b/c/deeper #2.csv',
    'a/sibling.txt',
    'raw/plate 1/well A1.csv',
    'raw/plate 1/well A2.csv',
    'raw/plate 2/well B1.csv',
    'raw/日本語/データ.txt',
    'meta/info.json',
    'meta/notes.md',
    'x/y/z/w/v.txt',
    "quote's.txt",
    'semi;colon.txt',
    'brackets[1].txt',
  ];
  return names.map((relPath, i) => ({ relPath, bytes: relPath === 'empty.bin' ? new Uint8Array(0) : randomBytes(1000 + i * 997) }));
}

const filesOnNas = hashTree;

/** The temporary of a run file (not of the manifest or the claim): "<prefix><job id>-<seq>". */
const isFileTemp = (path: string) => /\.exlab-part-[0-9a-f-]{36}-\d+$/.test(path);

/**
 * Wait for a whole turn of the loop, begun with no job in flight: it looked at what was due and chose to
 * wait. What has not happened by then did not happen for want of time.
 */
async function quietTurn(r: Rig): Promise<void> {
  while (r.engine.status().activeJobs.length) await new Promise((res) => setTimeout(res, 20));
  await r.engine.nextTurn();
}

async function intakeSample(r: Rig, name = 'run-1') {
  const run = sampleRun();
  const job = await r.intake(
    name,
    run.map((f) => ({ relPath: f.relPath, body: new Blob([f.bytes as Uint8Array<ArrayBuffer>]) })),
  );
  return { run, job };
}

describe('a run goes to the NAS, is verified, then freed on the device', () => {
  test('20 files in nested folders with awkward names land byte-identical, with a manifest and no temporaries', async () => {
    rig = await createRig();
    const { run, job } = await intakeSample(rig);
    expect(job.nas_path).toBe('hplc-01/2025-06-01/run-1');
    rig.engine.start();
    const done = await rig.waitFor(job.id, (j) => j.state === 'cleaned', 'CLEANED');
    expect(done.verify_passes).toBe(1);
    expect(done.verified_at).toBe('2025-06-01T10:00:00Z');

    const nas = filesOnNas(join(rig.davRoot, 'hplc-01/2025-06-01/run-1'));
    const expected = new Map(run.map((f) => [f.relPath, sha(f.bytes)]));
    const manifest = readFileSync(join(rig.davRoot, 'hplc-01/2025-06-01/run-1/manifest-sha256.txt'), 'utf8');
    nas.delete('manifest-sha256.txt');
    nas.delete('.exlab-claim.json');
    expect(nas).toEqual(expected);
    expect(manifest.trim().split('\n').sort()).toEqual(run.map((f) => `${sha(f.bytes)}  ${f.relPath}`).sort());
    // The device's copy was deleted only after VERIFIED, by the reaper.
    expect(existsSync(join(rig.localRoot, job.id))).toBe(false);
    const events = (await rig.stores.history.listEvents(job.id)).map((e) => e.kind);
    expect(events.indexOf('verified')).toBeLessThan(events.indexOf('local-delete'));
    // 20 files, the manifest and the run folder's claim.
    expect(rig.proxy.log.filter((l) => l.startsWith('PUT')).length).toBe(22);
    const total = run.reduce((n, f) => n + f.bytes.length, 0);
    const last = rig.progress.filter((p) => p.phase === 'upload').at(-1);
    expect(last).toMatchObject({ jobId: job.id, bytesDone: total, bytesTotal: total });
    expect(rig.progress.some((p) => p.phase === 'verify' && p.bytesDone === total)).toBe(true);
  });

  test('paused, nothing moves; resumed, the run goes', async () => {
    rig = await createRig({ paused: true });
    const { job } = await intakeSample(rig);
    rig.engine.start();
    await rig.engine.nextTurn();
    expect(rig.proxy.log).toEqual([]);
    expect(rig.engine.status().waitingFor).toBe('Syncing is paused');
    rig.settings.paused = false;
    rig.engine.wake();
    await rig.waitFor(job.id, (j) => j.state === 'cleaned', 'CLEANED');
  });

  test('with a retention the device keeps the run, VERIFIED, until it has passed', async () => {
    rig = await createRig({ retentionHours: 24 });
    const { job } = await intakeSample(rig);
    rig.engine.start();
    await rig.waitFor(job.id, (j) => j.state === 'verified', 'VERIFIED');
    await quietTurn(rig);
    expect((await rig.queue.getById(job.id))?.state).toBe('verified');
    expect(await filesKept(rig.localRoot, job.id, await rig.stores.runFiles.listFiles(job.id))).toBe(20);
    rig.clock.advance(24 * 3_600_000);
    await rig.waitFor(job.id, (j) => j.state === 'cleaned', 'CLEANED after retention');
    expect(existsSync(join(rig.localRoot, job.id))).toBe(false);
  });
});

describe('faults', () => {
  test('500 then success: one attempt, next attempt 30 s later, then VERIFIED', async () => {
    rig = await createRig({ retentionHours: 1 });
    let failed = false;
    rig.proxy.fault = (method) => {
      if (method === 'PUT' && !failed) {
        failed = true;
        return { type: 'status', status: 500 };
      }
      return null;
    };
    const { job } = await intakeSample(rig);
    rig.engine.start();
    const waiting = await rig.waitFor(job.id, (j) => j.attempts === 1, 'one failed attempt');
    expect(waiting).toMatchObject({ state: 'queued', last_attempt_at: '2025-06-01T10:00:00Z', next_attempt_at: '2025-06-01T10:00:30Z' });
    expect(waiting.last_error).toMatch(/^nas_error: PUT .* answered 500$/);
    await quietTurn(rig);
    expect((await rig.queue.getById(job.id))?.state).toBe('queued');
    rig.clock.advance(30_000);
    const done = await rig.waitFor(job.id, (j) => j.state === 'verified', 'VERIFIED');
    expect(done.attempts).toBe(1);
  });

  test('401 fails the job at once, with no retry', async () => {
    rig = await createRig({ username: 'tech', password: 'wrong' }, { username: 'tech', password: 'right' });
    const { job } = await intakeSample(rig);
    rig.engine.start();
    const failed = await rig.waitFor(job.id, (j) => j.state === 'failed', 'FAILED');
    expect(failed.attempts).toBe(0);
    expect(failed.next_attempt_at).toBe('');
    expect(failed.last_error).toMatch(/^auth: /);
    const puts = rig.proxy.log.length;
    rig.clock.advance(3_600_000);
    await quietTurn(rig);
    expect(rig.proxy.log.length).toBe(puts);
    expect(await filesKept(rig.localRoot, job.id, await rig.stores.runFiles.listFiles(job.id))).toBe(20);
  });

  test('NAS down for a while: no attempt is spent, the run uploads when it is back', async () => {
    rig = await createRig();
    await rig.proxy.setDown(true);
    const { run, job } = await intakeSample(rig);
    rig.engine.start();
    // The engine keeps trying the NAS while it is away (the job may be RUNNING for a moment each time);
    // what matters is that it waits QUEUED between tries and no attempt is spent.
    const waiting = await rig.waitFor(
      job.id,
      (j) => j.state === 'queued' && (j.last_error?.startsWith('nas_unreachable') ?? false),
      'offline noticed, waiting QUEUED',
    );
    expect(waiting).toMatchObject({ state: 'queued', attempts: 0 });
    expect(rig.engine.status().nasReachable).toBe(false);
    await rig.proxy.setDown(false);
    rig.clock.advance(60_000);
    const done = await rig.waitFor(job.id, (j) => j.state === 'cleaned', 'CLEANED');
    expect(done.attempts).toBe(0);
    expect(filesOnNas(join(rig.davRoot, done.nas_path!)).size).toBe(run.length + 2);
  });

  test('a connection cut mid-PUT, twice (the request and its immediate retry): one attempt, no partial file under the final name; the next attempt completes it', async () => {
    rig = await createRig();
    const big = randomBytes(3_000_000);
    let cuts = 0;
    rig.proxy.fault = (method, path) => {
      if (method === 'PUT' && isFileTemp(path) && cuts < 2) {
        cuts++;
        return { type: 'cut', afterBytes: 1_000_000 };
      }
      return null;
    };
    const job = await rig.intake('big-run', [{ relPath: 'data/big.bin', body: new Blob([big]) }]);
    rig.engine.start();
    const waiting = await rig.waitFor(job.id, (j) => j.attempts === 1, 'the cut counted as one attempt');
    expect(waiting.state).toBe('queued');
    expect(waiting.last_error).toMatch(/^connection_lost: PUT /);
    expect(existsSync(join(rig.davRoot, job.nas_path!, 'data/big.bin'))).toBe(false);
    rig.clock.advance(30_000);
    await rig.waitFor(job.id, (j) => j.state === 'cleaned', 'CLEANED');
    const nas = filesOnNas(join(rig.davRoot, job.nas_path!));
    expect(nas.get('data/big.bin')).toBe(sha(big));
    expect([...nas.keys()].sort()).toEqual(['.exlab-claim.json', 'data/big.bin', 'manifest-sha256.txt']);
  });

  test('a connection cut once mid-PUT is retried at once, without spending an attempt', async () => {
    rig = await createRig();
    const big = randomBytes(3_000_000);
    let cut = false;
    rig.proxy.fault = (method, path) => {
      if (method === 'PUT' && isFileTemp(path) && !cut) {
        cut = true;
        return { type: 'cut', afterBytes: 1_000_000 };
      }
      return null;
    };
    const job = await rig.intake('big-run', [{ relPath: 'data/big.bin', body: new Blob([big]) }]);
    rig.engine.start();
    const done = await rig.waitFor(job.id, (j) => j.state === 'cleaned', 'CLEANED');
    expect(done.attempts).toBe(0);
    expect(filesOnNas(join(rig.davRoot, job.nas_path!)).get('data/big.bin')).toBe(sha(big));
    expect(rig.proxy.log.filter((l) => l.startsWith('PUT') && isFileTemp(l))).toHaveLength(2);
  });

  test('a file verify finds short on the NAS is never overwritten: the run goes again, whole, to a fresh folder', async () => {
    rig = await createRig();
    let truncated = false;
    rig.proxy.fault = (method, path) => {
      if (method === 'PUT' && isFileTemp(path) && !truncated) {
        truncated = true;
        return { type: 'truncate' };
      }
      return null;
    };
    const { run, job } = await intakeSample(rig);
    rig.engine.start();
    const waiting = await rig.waitFor(job.id, (j) => j.attempts === 1, 'mismatch counted');
    expect(waiting.last_error).toMatch(/^verify_mismatch: size differs/);
    rig.clock.advance(30_000);
    // Sent again, the file finds its final name taken by other bytes: not this run's to replace.
    const refused = await rig.waitFor(job.id, (j) => j.attempts === 2, 'conflict counted');
    expect(refused.last_error).toMatch(/^nas_conflict: /);
    rig.clock.advance(120_000);
    const done = await rig.waitFor(job.id, (j) => j.state === 'cleaned', 'CLEANED');
    expect(done.nas_path).toBe('hplc-01/2025-06-01/run-1 (2)');
    const nas = filesOnNas(join(rig.davRoot, done.nas_path!));
    for (const f of run) expect(nas.get(f.relPath)).toBe(sha(f.bytes));
    // The first folder keeps what it holds: the short file too, as it was.
    const first = filesOnNas(join(rig.davRoot, 'hplc-01/2025-06-01/run-1'));
    expect(run.filter((f) => first.get(f.relPath) !== sha(f.bytes))).toHaveLength(1);
  });

  test('a local file deleted before upload fails the job at once: local_file_vanished', async () => {
    rig = await createRig();
    // A big file is kept as a file of its own (f<seq>), the small ones in the run's pack (files/runPack.ts).
    const big = randomBytes(5 * 1024 * 1024);
    const job = await rig.intake('run-1', [
      { relPath: 'small.csv', body: new Blob(['a,b\n']) },
      { relPath: 'big.raw', body: new Blob([big]) },
    ]);
    expect((await rig.stores.runFiles.listFiles(job.id)).map((f) => [f.rel_path, f.pack_offset])).toEqual([
      ['small.csv', 0],
      ['big.raw', null],
    ]);
    unlinkSync(join(rig.localRoot, job.id, 'f1'));
    rig.engine.start();
    const failed = await rig.waitFor(job.id, (j) => j.state === 'failed', 'FAILED');
    expect(failed.last_error).toBe('local_file_vanished: big.raw');
    expect(failed.attempts).toBe(0);
  });

  test("a run's pack cut short on the device fails the job at once, naming the file it lost", async () => {
    rig = await createRig();
    const { run, job } = await intakeSample(rig);
    const files = await rig.stores.runFiles.listFiles(job.id);
    const last = files.reduce((a, b) => ((b.pack_offset ?? -1) > (a.pack_offset ?? -1) ? b : a));
    // What a storage clean-up outside the app, or a disk error, could leave: the pack one byte short.
    truncateSync(join(rig.localRoot, job.id, 'pack'), last.pack_offset! + last.size - 1);
    rig.engine.start();
    const failed = await rig.waitFor(job.id, (j) => j.state === 'failed', 'FAILED');
    expect(failed.last_error).toBe(`local_file_vanished: ${last.rel_path}`);
    expect(failed.attempts).toBe(0);
    // No byte of the lost file reached its final name on the NAS.
    expect(existsSync(join(rig.davRoot, failed.nas_path!, last.rel_path))).toBe(false);
    expect(run.some((f) => f.relPath === last.rel_path)).toBe(true);
  });

  test("a run's pack gone from the device fails the job at once: local_file_vanished", async () => {
    rig = await createRig();
    const { run, job } = await intakeSample(rig);
    unlinkSync(join(rig.localRoot, job.id, 'pack'));
    rig.engine.start();
    const failed = await rig.waitFor(job.id, (j) => j.state === 'failed', 'FAILED');
    const names = run.map((f) => f.relPath);
    expect(names).toContain(failed.last_error!.replace(/^local_file_vanished: /, ''));
    expect(failed.attempts).toBe(0);
  });

  test('one failing job does not hold the others back', async () => {
    rig = await createRig({ concurrency: 2 });
    rig.proxy.fault = (method, path) => (method === 'PUT' && path.includes('/bad-run/') ? { type: 'status', status: 500 } : null);
    const bad = await rig.intake('bad-run', [{ relPath: 'x.txt', body: new Blob(['x']) }]);
    const good = await rig.intake('good-run', [{ relPath: 'y.txt', body: new Blob(['y']) }]);
    rig.engine.start();
    await rig.waitFor(good.id, (j) => j.state === 'cleaned', 'good run CLEANED');
    expect((await rig.queue.getById(bad.id))?.attempts).toBeGreaterThanOrEqual(1);
  });
});

test('stopping the engine (another tab takes over) abandons an upload in flight at once; the job stays RUNNING for replay', async () => {
  // A NAS that takes the PUT and never answers, and an idle timeout longer than the test: only an abort ends it.
  rig = await createRig({}, undefined, 120_000);
  rig.proxy.fault = (method) => (method === 'PUT' ? { type: 'hang' } : null);
  const { job } = await intakeSample(rig);
  rig.engine.start();
  await rig.waitFor(job.id, (j) => j.state === 'running', 'RUNNING');
  while (!rig.proxy.log.some((l) => l.startsWith('PUT'))) await new Promise((r) => setTimeout(r, 20));
  await rig.engine.stop();
  expect(await rig.queue.getById(job.id)).toMatchObject({ state: 'running', attempts: 0, last_error: null });
  expect(await filesKept(rig.localRoot, job.id, await rig.stores.runFiles.listFiles(job.id))).toBe(20);
});
