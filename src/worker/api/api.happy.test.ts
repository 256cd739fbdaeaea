import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, onTestFinished, test, vi } from 'vitest';
import { type EmbeddedDav, startEmbeddedDav } from '../../../test/support/embeddedDav';
import { createNodeFileStore } from '../../../test/support/nodeFileStore';
import type { WorkerEvent } from '../contract';
import { aRun, apiHarness, refusal } from '../../../test/support/apiTestKit';

// The worker API over a real in-memory SyncQueue and a FileStore on disk: the happy path of each method,
// and one rule for each input wherever it is taken. The refusals: api.test.ts.

const harness = apiHarness();

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
    onTestFinished(async () => {
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
