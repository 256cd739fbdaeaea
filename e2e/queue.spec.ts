import { expect, test } from './fixtures/test.ts';
import { enqueueRun, jobRow, openApp, shownJobs } from './fixtures/queuePage.ts';

test('three runs queued in the page are all there after a reload, with their fields', async ({ page }) => {
  await openApp(page, '/', { paused: true });
  await enqueueRun(page, 'hplc-01', '/runs/2025-06-01/a');
  await enqueueRun(page, 'hplc-01', '/runs/2025-06-01/b');
  await enqueueRun(page, 'ms-07', '/runs/2025-06-01/c');
  const row = jobRow(page, '/runs/2025-06-01/b');
  await row.getByRole('button', { name: 'Record failure' }).click();
  await row.getByLabel('What went wrong').fill('NAS answered 503');
  await row.getByRole('button', { name: 'Save failure' }).click();
  await expect(row.getByTestId('job-attempts')).toHaveText('1');

  await page.reload();
  await openApp(page, '/', { paused: true });
  await expect(page.getByTestId('job')).toHaveCount(3);
  expect(await shownJobs(page)).toEqual([
    { runPath: '/runs/2025-06-01/a', equipment: 'hplc-01', state: 'queued', attempts: '0', lastError: null },
    { runPath: '/runs/2025-06-01/b', equipment: 'hplc-01', state: 'queued', attempts: '1', lastError: 'NAS answered 503' },
    { runPath: '/runs/2025-06-01/c', equipment: 'ms-07', state: 'queued', attempts: '0', lastError: null },
  ]);
  await expect(jobRow(page, '/runs/2025-06-01/b').getByTestId('job-next-attempt')).toHaveText(/^in \d+ s$|^due now$/);
});

test('a failure fails the job at once when it is terminal, and Retry queues it again', async ({ page }) => {
  await openApp(page, '/', { paused: true });
  await enqueueRun(page, 'hplc-01', '/runs/retry-me');
  const row = jobRow(page, '/runs/retry-me');
  await row.getByRole('button', { name: 'Record failure' }).click();
  await row.getByLabel('What went wrong').fill('401 wrong password');
  await row.getByLabel(/Fail now/).check();
  await row.getByRole('button', { name: 'Save failure' }).click();
  await expect(row).toHaveAttribute('data-state', 'failed');
  await expect(row.getByTestId('job-state')).toHaveText('Failed');
  await expect(row.getByTestId('job-last-error')).toHaveText('401 wrong password');
  await expect(page.getByRole('button', { name: /^Failed/ }).locator('.count')).toHaveText('1');

  await row.getByRole('button', { name: 'Retry' }).click();
  await expect(row).toHaveAttribute('data-state', 'queued');
  await expect(row.getByTestId('job-attempts')).toHaveText('0');
  await expect(row.getByTestId('job-last-error')).toHaveCount(0);
});

test('bad input is refused with a message and nothing is queued', async ({ page }) => {
  await openApp(page, '/', { paused: true });
  await enqueueRun(page, 'hplc-01', '/runs/once');
  const form = page.getByRole('form', { name: 'Queue a run by path' });
  await form.getByLabel('Run path').fill('/runs/once');
  await form.getByRole('button', { name: 'Queue run' }).click();
  await expect(form.getByRole('alert')).toHaveText('This run path is already in the queue.');
  await form.getByLabel('Run path').fill('/runs/\u202Egnp.exe');
  await form.getByRole('button', { name: 'Queue run' }).click();
  await expect(form.getByRole('alert')).toContainText('control characters');
  await expect(page.getByTestId('job')).toHaveCount(1);
});

test('a run name that looks like markup is shown as text', async ({ page }) => {
  await openApp(page, '/', { paused: true });
  const hostile = '<img src=x onerror="document.title=\'pwned\'">';
  await enqueueRun(page, 'hplc-01', hostile);
  await expect(jobRow(page, hostile)).toBeVisible();
  await expect(page.locator('img')).toHaveCount(0);
  await expect(page).toHaveTitle('exlab-sync');
});

test('the worker refuses an illegal move and changes nothing', async ({ page }) => {
  await openApp(page, '/', { paused: true });
  await enqueueRun(page, 'hplc-01', '/runs/illegal');
  const result = await page.evaluate(async () => {
    const api = (globalThis as any).exlabApi;
    const { value } = await api.list({});
    const id = value.jobs[0].id;
    const jump = await api.move(id, 'cleaned');
    const retry = await api.retry(id);
    const del = await api.delete(id);
    return { jump, retry, del, after: (await api.get(id)).value };
  });
  expect(result.jump).toMatchObject({ ok: false, error: { code: 'illegal-move' } });
  expect(result.retry).toMatchObject({ ok: false, error: { code: 'illegal-move' } });
  expect(result.del).toMatchObject({ ok: false, error: { code: 'illegal-move' } });
  expect(result.after).toMatchObject({ state: 'queued', attempts: 0 });
});
