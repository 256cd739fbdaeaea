import { readFileSync } from 'node:fs';
import { openApp, showView } from './fixtures/queuePage.ts';
import { expect, test } from './fixtures/test.ts';

// "Download diagnostics" saves one JSON file for the lab's IT, and the NAS password is nowhere in it.

const PASSWORD = 'Centrifuge-secret-93';

test('Download diagnostics saves one JSON file with the facts IT needs and never the password', async ({ page }) => {
  await openApp(page, '/', { paused: true });
  await showView(page, 'Settings');
  const form = page.getByRole('form', { name: 'Settings' });
  await form.getByLabel('NAS user', { exact: true }).fill('lab');
  await form.getByLabel('NAS password', { exact: true }).fill(PASSWORD);
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByRole('status').filter({ hasText: 'Settings saved' })).toBeVisible();

  // More history than the file keeps: 1,100 runs queued by path, each with a failure recorded (a history
  // line each), the last one on its own.
  const seeded = await page.evaluate(async () => {
    const hooks = (globalThis as any).exlabTestHooks;
    const runs = Array.from({ length: 1100 }, (_, i) => ({ equipmentId: 'hplc-02', runPath: `/runs/r${i}` }));
    const added = await hooks.seedJobs(runs);
    const api = (globalThis as any).exlabApi;
    for (let offset = 0; offset < 1100; offset += 500) {
      const jobs = (await api.listRange({ state: 'queued' }, offset, 500)).value.jobs;
      for (const job of jobs) await api.recordFailure(job.id, { error: 'nas_error: PUT answered 500', terminal: false });
    }
    const last = await hooks.seedJob({ equipmentId: 'gc-01', runPath: '/runs/last' });
    await (globalThis as any).exlabApi.recordFailure(last.value.id, { error: 'nas_full: the NAS is out of space', terminal: true });
    return { added: added.value, lastId: last.value.id };
  });
  expect(seeded.added).toBe(1100);

  await showView(page, 'Settings');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download diagnostics' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^exlab-sync-diagnostics-.*\.json$/);
  const text = readFileSync(await download.path(), 'utf8');
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(Buffer.from(`lab:${PASSWORD}`).toString('base64'));

  const report = JSON.parse(text);
  expect(report.appVersion).toEqual(expect.stringMatching(/^\d+\.\d+\.\d+/));
  expect(report.userAgent).toContain('Chrome');
  expect(report.settings).toMatchObject({ username: 'lab', passwordState: 'set', paused: true, nasUrl: expect.stringContaining('/dav/') });
  expect(report.settings).not.toHaveProperty('password');
  expect(report.engine).toMatchObject({ paused: true, waitingFor: 'Syncing is paused' });
  expect(report.counts).toMatchObject({ queued: 1100, failed: 1 });
  expect(report.history.filter((e: { kind: string }) => e.kind === 'retry-scheduled')).toHaveLength(999);
  expect(report.history).toHaveLength(1000);
  expect(report.history.at(-1)).toMatchObject({ job_id: seeded.lastId, kind: 'failed' });
  expect(report.history.at(-1).detail).toContain('nas_full');
  expect(report.storage.usageBytes).toBeGreaterThan(0);
  expect(report.storage.quotaBytes).toBeGreaterThan(0);
});
