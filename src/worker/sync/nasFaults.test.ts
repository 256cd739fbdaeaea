import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { hashTree } from '../../../test/support/hashTree';
import { createRig, type Rig } from '../../../test/support/engineRig';
import { filesKept } from '../../../test/support/deviceCopies';

// A misbehaving NAS: a real WebDAV server behind a real HTTP proxy on 127.0.0.1 that misbehaves on cue.
// Each case ends in the right state, and the device keeps its copy until the NAS holds a verified one.

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const files = () => [
  { relPath: 'a.csv', bytes: randomBytes(20_000) },
  { relPath: 'sub/b.bin', bytes: randomBytes(70_000) },
];

async function start(r: Rig) {
  const run = files();
  const job = await r.intake(
    'run',
    run.map((f) => ({ relPath: f.relPath, body: new Blob([f.bytes as Uint8Array<ArrayBuffer>]) })),
  );
  r.engine.start();
  return { run, job };
}

function expectWhole(r: Rig, nasPath: string, run: { relPath: string; bytes: Uint8Array }[]) {
  const onNas = hashTree(join(r.davRoot, nasPath));
  onNas.delete('manifest-sha256.txt');
  onNas.delete('.exlab-claim.json');
  expect(onNas).toEqual(new Map(run.map((f) => [f.relPath, sha(f.bytes)])));
}

const once = (match: (method: string, path: string) => boolean) => {
  let done = false;
  return (method: string, path: string) => {
    if (done || !match(method, path)) return false;
    done = true;
    return true;
  };
};

test('a read-back that stalls mid-response times out as a transient failure; the next attempt verifies', async () => {
  rig = await createRig();
  const hit = once((m, p) => m === 'GET' && p.endsWith('/b.bin'));
  rig.proxy.fault = (m, p) => (hit(m, p) ? { type: 'stall' } : null);
  const { run, job } = await start(rig);
  const waiting = await rig.waitFor(job.id, (j) => j.attempts === 1, 'the stall counted');
  expect(waiting).toMatchObject({ state: 'queued', next_attempt_at: '2025-06-01T10:00:30Z' });
  expect(waiting.last_error).toMatch(/^nas_stalled: GET /);
  rig.clock.advance(30_000);
  await rig.waitFor(job.id, (j) => j.state === 'cleaned', 'CLEANED');
  expectWhole(rig, job.nas_path!, run);
});

test('507 (NAS full) backs off 30 s, 2 m, 8 m, 30 m, then FAILED with the reason; the device keeps the run', async () => {
  rig = await createRig();
  rig.proxy.fault = (m) => (m === 'PUT' ? { type: 'status', status: 507 } : null);
  const { job } = await start(rig);
  for (const [attempts, delayMs] of [
    [1, 30_000],
    [2, 120_000],
    [3, 480_000],
    [4, 1_800_000],
  ] as const) {
    const j = await rig.waitFor(job.id, (x) => x.attempts === attempts, `attempt ${attempts}`);
    expect(j.state).toBe('queued');
    expect(Date.parse(j.next_attempt_at!) - Date.parse(j.last_attempt_at!)).toBe(delayMs);
    rig.clock.advance(delayMs);
  }
  const failed = await rig.waitFor(job.id, (x) => x.state === 'failed', 'FAILED');
  expect(failed.attempts).toBe(5);
  expect(failed.last_error).toMatch(/^nas_full: .*out of space/);
  expect(await filesKept(rig.localRoot, job.id, await rig.stores.runFiles.listFiles(job.id))).toBe(2);
});

test('423 Locked on MOVE is transient; the retry completes the run', async () => {
  rig = await createRig();
  const hit = once((m) => m === 'MOVE');
  rig.proxy.fault = (m, p) => (hit(m, p) ? { type: 'status', status: 423 } : null);
  const { run, job } = await start(rig);
  const waiting = await rig.waitFor(job.id, (j) => j.attempts === 1, 'locked');
  expect(waiting.last_error).toMatch(/^nas_locked: /);
  rig.clock.advance(30_000);
  await rig.waitFor(job.id, (j) => j.state === 'cleaned', 'CLEANED');
  expectWhole(rig, job.nas_path!, run);
});

test('a redirect on PUT fails the job at once, saying to enter the final URL', async () => {
  rig = await createRig();
  rig.proxy.fault = (m) => (m === 'PUT' ? { type: 'respond', status: 301, body: '', headers: { Location: 'https://elsewhere/' } } : null);
  const { job } = await start(rig);
  const failed = await rig.waitFor(job.id, (j) => j.state === 'failed', 'FAILED');
  expect(failed.attempts).toBe(0);
  expect(failed.last_error).toMatch(/^nas_redirect: .*enter the final URL/);
});

test('malformed PROPFIND XML is a transient protocol fault, not a crash; the retry verifies', async () => {
  rig = await createRig();
  const hit = once((m) => m === 'PROPFIND');
  rig.proxy.fault = (m, p) =>
    hit(m, p)
      ? {
          type: 'respond',
          status: 207,
          body: '<D:multistatus xmlns:D="DAV:"><D:response><D:href>',
          headers: { 'Content-Type': 'application/xml' },
        }
      : null;
  const { run, job } = await start(rig);
  const waiting = await rig.waitFor(job.id, (j) => j.attempts === 1, 'protocol fault counted');
  expect(waiting.last_error).toMatch(/^nas_protocol: /);
  rig.clock.advance(30_000);
  await rig.waitFor(job.id, (j) => j.state === 'cleaned', 'CLEANED');
  expectWhole(rig, job.nas_path!, run);
});

test('a NAS that reports a wrong size is caught by verify, which sends the files again', async () => {
  rig = await createRig();
  // The first PROPFIND is the claim's look into the folder it just made; the second is verify's listing.
  let propfinds = 0;
  rig.proxy.fault = (m) =>
    m === 'PROPFIND' && ++propfinds === 2
      ? {
          type: 'rewrite',
          edit: (xml) => xml.replace(/(getcontentlength>)(\d+)/g, (_, tag: string, n: string) => `${tag}${Number(n) + 1}`),
        }
      : null;
  const { run, job } = await start(rig);
  const waiting = await rig.waitFor(job.id, (j) => j.attempts === 1, 'mismatch counted');
  expect(waiting.last_error).toMatch(/^verify_mismatch: size differs/);
  // Only the file whose size was misreported (the first listing holds a.csv; sub/ is listed apart) goes again.
  const marks = Object.fromEntries((await rig.stores.runFiles.listFiles(job.id)).map((f) => [f.rel_path, f.uploaded_at !== null]));
  expect(marks).toEqual({ 'a.csv': false, 'sub/b.bin': true });
  rig.clock.advance(30_000);
  await rig.waitFor(job.id, (j) => j.state === 'cleaned', 'CLEANED');
  expectWhole(rig, job.nas_path!, run);
});

test('a NAS that drops every other connection: each request is tried again at once, and the run lands whole', async () => {
  rig = await createRig();
  // Every other connection for each request: the first try of every request is dropped, its retry is
  // not (counted per request, since a run's files go several at a time).
  const seen = new Map<string, number>();
  rig.proxy.fault = (method, path) => {
    const n = seen.get(`${method} ${path}`) ?? 0;
    seen.set(`${method} ${path}`, n + 1);
    return n % 2 === 0 ? { type: 'drop' } : null;
  };
  const { run, job } = await start(rig);
  const done = await rig.waitFor(job.id, (j) => j.state === 'cleaned', 'CLEANED');
  expect(done.attempts).toBe(0);
  expectWhole(rig, job.nas_path!, run);
});
