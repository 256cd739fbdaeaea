import { jobRowByName, openApp, openJob, showView } from './fixtures/queuePage.ts';
import { expect, test } from './fixtures/test.ts';

// A run that failed once and then went through shows what is true now: verified, no old error, no
// next attempt. Its history still tells of the failure.

test('a VERIFIED run that failed before shows no old error and no next attempt; its history keeps the failure', async ({ page }) => {
  await openApp(page, '/', { paused: true });
  const id: string = await page.evaluate(async () => {
    const api = (globalThis as any).exlabApi;
    const added = await api.addRun({
      equipmentId: 'gc-03',
      runName: 'failed once',
      files: [{ relPath: 'trace.csv', file: new Blob(['t,signal\n0,1\n']) }],
    });
    // One counted failure: the job waits for its next attempt (30 s later), with the error kept.
    const failed = await api.recordFailure(added.value.id, { error: 'nas_error: PUT /dav/gc-03/trace.csv answered 500', terminal: false });
    if (failed.value.state !== 'queued' || !failed.value.next_attempt_at) throw new Error(JSON.stringify(failed));
    // Its attempt made due now, as when the 30 s are over, then syncing on.
    await (globalThis as any).exlabTestHooks.move(added.value.id, 'queued', { nextAttemptAt: '2000-01-01T00:00:00Z' });
    await api.updateSettings({ paused: false });
    return added.value.id;
  });
  const state = () => page.evaluate(async (jobId) => (await (globalThis as any).exlabApi.get(jobId)).value.state, id);
  await expect.poll(state, { timeout: 60_000 }).toBe('verified');

  await showView(page, 'Queue');
  const row = jobRowByName(page, 'failed once');
  await expect(row).toHaveAttribute('data-state', 'verified');
  await expect(row.getByTestId('job-next-attempt')).toHaveCount(0);
  await expect(row.getByTestId('job-reason')).toHaveCount(0);

  await openJob(page, row);
  const detail = page.getByTestId('job-detail');
  await expect(detail).toHaveAttribute('data-state', 'verified');
  await expect(detail.getByTestId('job-verified')).toContainText('1 files match');
  await expect(detail.getByTestId('job-next-attempt')).toHaveCount(0);
  await expect(detail.getByTestId('job-reason')).toHaveCount(0);
  await expect(detail.getByText('answered 500')).toHaveCount(1);
  await expect(detail.getByTestId('job-history').locator('li[data-kind=retry-scheduled]')).toContainText('answered 500');
});
