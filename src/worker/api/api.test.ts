import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { createNodeFileStore } from '../../../test/support/nodeFileStore';
import { REFUSAL_MEANINGS, type RefusalCode } from '../../shared/refusals';
import type { Result } from '../contract';
import type { TestHooks } from '../testHooks';
import { aRun, apiHarness, refusal } from '../../../test/support/apiTestKit';

// The worker API over a real in-memory SyncQueue and a FileStore on disk: every refusal code, each with
// what it leaves behind (nothing). The happy path of each method: api.happy.test.ts.

const harness = apiHarness();

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
