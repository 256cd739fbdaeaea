import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { type EmbeddedDav, startEmbeddedDav } from '../../../test/support/embeddedDav';
import { type ApiRig, createApiRig } from '../../../test/support/apiRig';
import { createNodeFileStore } from '../../../test/support/nodeFileStore';
import { REFUSAL_MEANINGS, type RefusalCode } from '../../shared/refusals';
import type { Result, WorkerEvent } from '../contract';
import type { TestHooks } from '../testHooks';

// The worker API over a real in-memory SyncQueue and a FileStore on disk: every refusal code, each with
// what it leaves behind (nothing), and the happy path of each method.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function harness(nasUrl?: string): Promise<ApiRig> {
  const rig = await createApiRig(nasUrl);
  cleanups.push(rig.close);
  return rig;
}

/** The refusal a result carries; fails the test when the call succeeded. */
function refusal<T>(result: Result<T>) {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.error;
}

const aRun = (runName: string, ...bodies: string[]) => ({
  equipmentId: 'hplc-01',
  runName,
  files: bodies.map((body, i) => ({ relPath: `plate/f${i}.csv`, file: new Blob([body]) })),
});

test('the refusal table names exactly the codes this test covers', () => {
  const covered: RefusalCode[] = ['invalid-input', 'not-owner', 'storage', 'unknown-job', 'illegal-move', 'duplicate-run-path'];
  expect(Object.keys(REFUSAL_MEANINGS).sort()).toEqual([...covered].sort());
});

test('the shipped API offers the operator only Retry, Stop syncing, Record failure and Discard: no general move, no job without files', async () => {
  const { api } = await harness();
  expect(Object.keys(api).sort()).toEqual(
    [
      'subscribe',
      'takeOver',
      'engineStatus',
      'prepareForUpdate',
      'resumeAfterUpdateDeclined',
      'addRun',
      'list',
      'listRange',
      'equipmentIds',
      'counts',
      'get',
      'files',
      'history',
      'runSizes',
      'recordFailure',
      'retry',
      'retryAll',
      'stopSyncing',
      'discard',
      'getSettings',
      'updateSettings',
      'testConnection',
      'diagnostics',
      'device',
      'setDeviceName',
      'lab',
    ].sort(),
  );
  for (const gone of ['move', 'enqueue', 'enqueueMany', 'testHooks']) expect(api, gone).not.toHaveProperty(gone);
});

describe('refusals', () => {
  test('not-owner: every call that needs the queue is refused while another tab holds it, and nothing is saved', async () => {
    const h = await harness();
    h.owner.queue = false;
    const { api, hooks } = h;
    const calls: [string, Promise<Result<unknown>>][] = [
      ['seedJob', hooks.seedJob({ equipmentId: 'eq', runPath: '/runs/a' })],
      ['seedJobs', hooks.seedJobs([{ equipmentId: 'eq', runPath: '/runs/a' }])],
      ['addRun', api.addRun(aRun('r', 'x'))],
      ['list', api.list()],
      ['listRange', api.listRange({}, 0, 10)],
      ['equipmentIds', api.equipmentIds()],
      ['counts', api.counts()],
      ['get', api.get('j')],
      ['files', api.files('j')],
      ['history', api.history('j')],
      ['runSizes', api.runSizes(['j'])],
      ['move', hooks.move('j', 'running')],
      ['recordFailure', api.recordFailure('j', { error: 'x' })],
      ['retry', api.retry('j')],
      ['retryAll', api.retryAll()],
      ['stopSyncing', api.stopSyncing('j', 'why')],
      ['discard', api.discard('j')],
      ['updateSettings', api.updateSettings({ concurrency: 3 })],
      ['engineStatus', api.engineStatus()],
    ];
    for (const [name, call] of calls) expect(refusal(await call).code, name).toBe('not-owner');
    expect(h.saved).toEqual([]);
    expect(await h.queue.listAll()).toEqual([]);
  });

  test('invalid-input names the field of a seeded job that is at fault', async () => {
    const { hooks, queue } = await harness();
    const cases: [Parameters<TestHooks['seedJob']>[0], string, RegExp][] = [
      [{ equipmentId: '  ', runPath: '/runs/a' }, 'equipmentId', /The equipment id is empty; type it/],
      [{ equipmentId: 'x'.repeat(65), runPath: '/runs/a' }, 'equipmentId', /65 characters long; use at most 64/],
      [{ equipmentId: 'eq\u202e', runPath: '/runs/a' }, 'equipmentId', /control or invisible characters/],
      [{ equipmentId: 'eq', runPath: '' }, 'runPath', /Enter the run path/],
      [{ equipmentId: 'eq', runPath: '/'.repeat(1025) }, 'runPath', /1025 characters long; use at most 1024/],
      [{ equipmentId: 'eq', runPath: '/runs/\u0007' }, 'runPath', /control characters/],
      [null as never, 'equipmentId', /The equipment id is empty/],
    ];
    for (const [input, field, message] of cases) {
      expect(refusal(await hooks.seedJob(input)), field).toEqual({ code: 'invalid-input', field, message: expect.stringMatching(message) });
    }
    expect(await queue.listAll()).toEqual([]);
  });

  test('invalid-input from the other calls, each with its field; nothing changes', async () => {
    const h = await harness();
    const { api } = h;
    const job = await h.queue.insert({ equipmentId: 'eq', runPath: '/runs/a' });
    const many = refusal(
      await h.hooks.seedJobs([
        { equipmentId: 'eq', runPath: '/runs/b' },
        { equipmentId: 'eq', runPath: ' ' },
      ]),
    );
    expect(many).toEqual({ code: 'invalid-input', field: 'runPath', message: expect.stringMatching(/^item 2: Enter the run path/) });
    expect(refusal(await api.updateSettings({ concurrency: 0 }))).toMatchObject({ code: 'invalid-input', field: 'concurrency' });
    expect(refusal(await api.updateSettings({ nasUrl: 'file:///etc/' }))).toMatchObject({ code: 'invalid-input', field: 'nasUrl' });
    expect(refusal(await api.list({ state: 'lost' as never }))).toMatchObject({ code: 'invalid-input', field: 'state' });
    expect(refusal(await api.listRange({ state: 'lost' as never }, 0, 10))).toMatchObject({ code: 'invalid-input', field: 'state' });
    expect(refusal(await h.hooks.move(job.id, 'lost' as never))).toMatchObject({ code: 'invalid-input', field: 'to' });
    expect(refusal(await api.recordFailure(job.id, { error: '  ' }))).toMatchObject({ code: 'invalid-input', field: 'error' });
    expect(refusal(await api.stopSyncing(job.id, ''))).toMatchObject({ code: 'invalid-input', field: 'reason' });
    expect(h.saved).toEqual([]);
    expect(await h.queue.listAll()).toEqual([job]);
  });

  test('invalid-input for a run whose names cannot be made safe; nothing is kept on the device', async () => {
    const h = await harness();
    const escaping = refusal(await h.api.addRun({ equipmentId: 'eq', runName: 'r', files: [{ relPath: '../x', file: new Blob(['x']) }] }));
    expect(escaping).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/outside its run/) });
    expect(refusal(await h.api.addRun(aRun('r')))).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/no files/) });
    expect(refusal(await h.api.addRun(aRun('..', 'x')))).toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/no usable characters/),
    });
    expect(await h.queue.listAll()).toEqual([]);
    expect(existsSync(h.deviceRoot) ? await createNodeFileStore(h.deviceRoot).runIds() : []).toEqual([]);
  });

  test('duplicate-run-path: a run path already queued, alone or in a batch (all or none)', async () => {
    const { hooks, queue } = await harness();
    const first = await hooks.seedJob({ equipmentId: 'eq', runPath: '/runs/a' });
    expect(first.ok).toBe(true);
    expect(refusal(await hooks.seedJob({ equipmentId: 'eq2', runPath: ' /runs/a ' })).code).toBe('duplicate-run-path');
    const batch = await hooks.seedJobs([
      { equipmentId: 'eq', runPath: '/runs/b' },
      { equipmentId: 'eq', runPath: '/runs/a' },
    ]);
    expect(refusal(batch).code).toBe('duplicate-run-path');
    expect((await queue.listAll()).map((j) => j.run_path)).toEqual(['/runs/a']);
  });

  test('unknown-job: each operator action on an id the queue does not hold', async () => {
    const { api, hooks } = await harness();
    const calls: [string, Promise<Result<unknown>>][] = [
      ['move', hooks.move('nope', 'running')],
      ['recordFailure', api.recordFailure('nope', { error: 'x' })],
      ['retry', api.retry('nope')],
      ['stopSyncing', api.stopSyncing('nope', 'why')],
      ['discard', api.discard('nope')],
    ];
    for (const [name, call] of calls) {
      expect(refusal(await call), name).toEqual({ code: 'unknown-job', message: 'There is no job nope; it may have been deleted.' });
    }
  });

  test('illegal-move: what the state machine forbids is refused and the job is unchanged', async () => {
    const { api, hooks, queue } = await harness();
    const job = await queue.insert({ equipmentId: 'eq', runPath: '/runs/a' });
    expect(refusal(await hooks.move(job.id, 'verified'))).toMatchObject({
      code: 'illegal-move',
      message: 'a queued job cannot move to verified',
    });
    expect(refusal(await api.retry(job.id))).toMatchObject({
      code: 'illegal-move',
      message: expect.stringMatching(/only a failed job can be retried/),
    });
    expect(refusal(await api.discard(job.id))).toMatchObject({
      code: 'illegal-move',
      message: expect.stringMatching(/still being synced/),
    });
    expect(await queue.getById(job.id)).toEqual(job);
    const cleaned = await queue.transition(job.id, 'cleaned');
    expect(refusal(await api.recordFailure(job.id, { error: 'x' }))).toMatchObject({
      code: 'illegal-move',
      message: expect.stringMatching(/cleaned job/),
    });
    expect(refusal(await api.stopSyncing(job.id, 'why'))).toMatchObject({
      code: 'illegal-move',
      message: 'a cleaned run cannot be stopped',
    });
    expect(await queue.getById(job.id)).toEqual(cleaned);
  });

  test('storage: intake finds too little free space and keeps nothing', async () => {
    const h = await harness();
    h.free.bytes = 3;
    const full = refusal(await h.api.addRun(aRun('big', 'four', 'bytes')));
    expect(full).toMatchObject({ code: 'storage', message: expect.stringMatching(/The run needs 9 B but the device has 3 B free/) });
    expect(await h.queue.listAll()).toEqual([]);
    expect(existsSync(h.deviceRoot) ? await createNodeFileStore(h.deviceRoot).runIds() : []).toEqual([]);
  });

  test('storage: a run the database has no room for is refused with its size, and the runs that fit are queued', async () => {
    const h = await harness();
    h.free.bytes = 1_000_000;
    // The database may not grow by one page: SQLite answers SQLITE_FULL, as on a full OPFS.
    h.db.exec(`PRAGMA max_page_count = ${Number(h.db.selectValue('PRAGMA page_count'))}`);
    const bigFiles = Array.from({ length: 200 }, (_, i) => ({ relPath: `plate/${'well-'.repeat(20)}${i}.csv`, file: new Blob(['x']) }));
    const [big, ...small] = await Promise.all([
      h.api.addRun({ equipmentId: 'hplc-01', runName: 'big', files: bigFiles }),
      h.api.addRun(aRun('small 1', 'a')),
      h.api.addRun(aRun('small 2', 'b')),
    ]);
    expect(refusal(big)).toEqual({
      code: 'storage',
      message:
        'The run needs 200 B and the device ran out of space while storing it; free some space (or let verified runs be cleaned up), then try again.',
    });
    expect(small.map((r) => r.ok)).toEqual([true, true]);
    const queued = await h.queue.listAll();
    expect(queued.map((j) => j.nas_path).sort()).toEqual(['hplc-01/2025-06-01/small 1', 'hplc-01/2025-06-01/small 2']);
    expect((await createNodeFileStore(h.deviceRoot).runIds()).sort()).toEqual(queued.map((j) => j.id).sort());
  });
});

describe('happy paths', () => {
  test('intake: addRun stores the files and queues the run; a seeded job gets its planned NAS folder; each wakes the engine', async () => {
    const h = await harness();
    const wake = vi.spyOn(h.engine, 'wake');
    h.free.bytes = 1_000;
    const progress: number[] = [];
    const run = await h.api.addRun(aRun('run 7', 'abc', 'de'), (done) => progress.push(done));
    expect(run).toMatchObject({ ok: true, value: { state: 'queued', equipment_id: 'hplc-01', nas_path: 'hplc-01/2025-06-01/run 7' } });
    expect(progress.at(-1)).toBe(5);
    const one = await h.hooks.seedJob({ equipmentId: ' eq ', runPath: ' /runs/plate-3/ ' });
    expect(one).toMatchObject({ ok: true, value: { equipment_id: 'eq', run_path: '/runs/plate-3/', nas_path: 'eq/2025-06-01/plate-3' } });
    const given = await h.hooks.seedJob({ equipmentId: 'eq', runPath: '/runs/b', nasPath: 'kept/as/given' });
    expect(given).toMatchObject({ ok: true, value: { nas_path: 'kept/as/given' } });
    expect(
      await h.hooks.seedJobs([
        { equipmentId: 'eq', runPath: '/runs/c' },
        { equipmentId: 'eq', runPath: '/runs/d' },
      ]),
    ).toEqual({ ok: true, value: 2 });
    expect(wake).toHaveBeenCalledTimes(4);
    expect((await h.queue.listAll()).length).toBe(5);
  });

  test('listing: pages, windows, equipment ids, counts, one job, its files, history and size', async () => {
    const h = await harness();
    const { api } = h;
    const run = await api.addRun(aRun('r1', 'abc', 'de'));
    if (!run.ok) throw new Error(run.error.message);
    const other = await h.queue.insert({ equipmentId: 'ms-02', runPath: '/runs/other' });
    const page = await api.list({ limit: 1 });
    expect(page).toMatchObject({ ok: true, value: { jobs: [{ id: run.value.id }] } });
    if (!page.ok) return;
    expect(await api.list({ after: page.value.next })).toMatchObject({ ok: true, value: { jobs: [{ id: other.id }], next: null } });
    expect(await api.list({ state: 'failed' })).toEqual({ ok: true, value: { jobs: [], next: null } });
    expect(await api.listRange({ equipmentId: 'ms-02' }, 0, 10)).toMatchObject({ ok: true, value: { total: 1, jobs: [{ id: other.id }] } });
    expect(await api.listRange({ search: '  other  ' }, 0, 10)).toMatchObject({ ok: true, value: { total: 1 } });
    expect(await api.equipmentIds()).toEqual({ ok: true, value: ['hplc-01', 'ms-02'] });
    expect(await api.counts()).toMatchObject({ ok: true, value: { queued: 2, failed: 0 } });
    expect(await api.get(other.id)).toEqual({ ok: true, value: other });
    expect(await api.get('nope')).toEqual({ ok: true, value: null });
    const files = await api.files(run.value.id);
    expect(files.ok && files.value.map((f) => [f.rel_path, f.size])).toEqual([
      ['plate/f0.csv', 3],
      ['plate/f1.csv', 2],
    ]);
    expect(await api.runSizes([run.value.id])).toEqual({ ok: true, value: { [run.value.id]: { files: 2, bytes: 5 } } });
    await api.stopSyncing(other.id, 'wrong plate');
    expect(await api.history(other.id)).toMatchObject({ ok: true, value: [{ kind: 'stopped', detail: 'wrong plate' }] });
  });

  test('operator actions: record a failure, stop, retry, retry all, discard', async () => {
    const h = await harness();
    const { api, hooks, queue } = h;
    const wake = vi.spyOn(h.engine, 'wake');
    const a = await queue.insert({ equipmentId: 'eq', runPath: '/runs/a' });
    const b = await queue.insert({ equipmentId: 'eq', runPath: '/runs/b' });
    expect(await hooks.move(a.id, 'running')).toMatchObject({ ok: true, value: { state: 'running' } });
    expect(await api.recordFailure(a.id, { error: ' cable out ' })).toMatchObject({
      ok: true,
      value: { state: 'queued', attempts: 1, last_error: 'cable out' },
    });
    expect(await api.recordFailure(a.id, { error: 'disk gone', terminal: true })).toMatchObject({ ok: true, value: { state: 'failed' } });
    expect(await api.stopSyncing(b.id, ' wrong plate ')).toMatchObject({
      ok: true,
      value: { state: 'failed', last_error: 'stopped_by_operator: wrong plate' },
    });
    expect(await api.retry(a.id)).toMatchObject({ ok: true, value: { state: 'queued', attempts: 0, last_error: null } });
    expect(await api.retryAll()).toEqual({ ok: true, value: 1 });
    expect(wake).toHaveBeenCalledTimes(2);
    await api.stopSyncing(b.id, 'really');
    expect(await api.discard(b.id)).toEqual({ ok: true, value: { files: 0, bytes: 0 } });
    expect(await queue.getById(b.id)).toBeNull();
  });

  test('discard removes the run from the device and says what went; a cleaned run freed its space already', async () => {
    const h = await harness();
    const run = await h.api.addRun(aRun('r', 'abc', 'de'));
    if (!run.ok) throw new Error(run.error.message);
    await h.api.stopSyncing(run.value.id, 'not needed');
    expect(await h.api.discard(run.value.id)).toEqual({ ok: true, value: { files: 2, bytes: 5 } });
    expect(await createNodeFileStore(h.deviceRoot).runIds()).toEqual([]);
    const cleaned = await h.queue.transition((await h.queue.insert({ equipmentId: 'eq', runPath: '/runs/c' })).id, 'cleaned');
    expect(await h.api.discard(cleaned.id)).toEqual({ ok: true, value: { files: 0, bytes: 0 } });
  });

  test('settings: read, change (saved, engine woken), and a connection test against a real WebDAV server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exlab-api-nas-'));
    const dav: EmbeddedDav = await startEmbeddedDav({ root: dir });
    cleanups.push(async () => {
      await dav.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const h = await harness(`${dav.origin}/dav/`);
    const wake = vi.spyOn(h.engine, 'wake');
    expect(await h.api.getSettings()).toMatchObject({ ok: true, value: { nasUrl: `${dav.origin}/dav/`, concurrency: 2 } });
    const changed = await h.api.updateSettings({ concurrency: 3 });
    expect(changed).toMatchObject({ ok: true, value: { concurrency: 3 } });
    expect(h.saved.map((x) => x.concurrency)).toEqual([3]);
    expect(await h.api.getSettings()).toMatchObject({ ok: true, value: { concurrency: 3 } });
    expect(wake).toHaveBeenCalledOnce();
    expect(await h.api.testConnection()).toMatchObject({ ok: true, value: { ok: true, code: 'ok' } });
  });

  test("settings: the password goes in and never comes out; the NAS URL is stored in the browser's form", async () => {
    const h = await harness();
    const secret = 'pip€tte-42';
    const set = await h.api.updateSettings({ password: secret, nasUrl: 'http://NAS.lab.local:80/dav/run data/é' });
    expect(set).toMatchObject({ ok: true, value: { passwordState: 'set', nasUrl: 'http://nas.lab.local/dav/run%20data/%C3%A9/' } });
    expect(h.saved.at(-1)).toMatchObject({ password: secret, nasUrl: 'http://nas.lab.local/dav/run%20data/%C3%A9/' });
    const read = await h.api.getSettings();
    expect(read).toMatchObject({ ok: true, value: { passwordState: 'set' } });
    expect(JSON.stringify(read)).not.toContain(secret);
    expect(JSON.stringify(set)).not.toContain(secret);
    // What the page read back, handed in again as a change, is not a setting and changes nothing.
    expect(await h.api.updateSettings({ ...(read.ok ? read.value : {}), concurrency: 4 })).toMatchObject({
      ok: true,
      value: { passwordState: 'set' },
    });
    expect(h.saved.at(-1)).toMatchObject({ password: secret, concurrency: 4 });
    expect(h.saved.at(-1)).not.toHaveProperty('passwordState');
    expect(await h.api.updateSettings({ password: '' })).toMatchObject({ ok: true, value: { passwordState: 'not-set' } });
  });

  test('settings: http:// only to this device or the local network, the rule in the refusal', async () => {
    const h = await harness();
    const refused = await h.api.updateSettings({ nasUrl: 'http://nas.example.org/dav/' });
    expect(refusal(refused)).toMatchObject({ code: 'invalid-input', field: 'nasUrl', message: expect.stringContaining('https://') });
    expect(refusal(refused).message).toContain('local network');
    for (const nasUrl of ['http://192.168.1.20/dav/', 'http://nas/dav/', 'http://nas.lab.local/dav/', 'https://nas.example.org/dav/']) {
      expect(await h.api.updateSettings({ nasUrl }), nasUrl).toMatchObject({ ok: true });
    }
  });

  test('the app: ownership pushed at once, take over, engine status, and the update hand-over', async () => {
    const h = await harness();
    const seen: WorkerEvent[] = [];
    const listener = (event: WorkerEvent) => void seen.push(event);
    h.api.subscribe(listener);
    expect(h.listeners).toEqual([listener]);
    expect(seen).toEqual([{ type: 'ownership', ownership: { status: 'owner' } }]);
    await h.api.takeOver();
    expect(h.takeOvers).toBe(1);
    expect(await h.api.engineStatus()).toMatchObject({ ok: true, value: { online: true, paused: false, activeJobs: [] } });
    const release = vi.spyOn(h.engine, 'release');
    expect(await h.api.prepareForUpdate()).toEqual({ ok: true, value: undefined });
    expect(await h.api.resumeAfterUpdateDeclined()).toEqual({ ok: true, value: undefined });
    expect(release).toHaveBeenCalledOnce();
  });
});

describe('one rule for the equipment id, wherever a run is taken', () => {
  test('New run (addRun) and a run by path (seedJob) refuse the same ids with the same words; blank is called empty', async () => {
    const h = await harness();
    for (const [id, message] of [
      ['x'.repeat(500), /500 characters long; use at most 64/],
      ['x'.repeat(65), /65 characters long; use at most 64/],
      [' ', /The equipment id is empty/],
      ['hplc\u200b-02', /invisible characters \(U\+200B\)/],
    ] as const) {
      const byFiles = refusal(await h.api.addRun({ ...aRun('r', 'x'), equipmentId: id }));
      const byPath = refusal(await h.hooks.seedJob({ equipmentId: id, runPath: '/runs/a' }));
      expect(byFiles, JSON.stringify(id)).toEqual({ code: 'invalid-input', field: 'equipmentId', message: expect.stringMatching(message) });
      expect(byPath.message).toBe(byFiles.message);
    }
    expect(refusal(await h.api.addRun(aRun(' ', 'x')))).toMatchObject({
      field: 'runName',
      message: expect.stringMatching(/run name is empty/),
    });
    expect(await h.queue.listAll()).toEqual([]);
  });
});
