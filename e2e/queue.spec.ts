import { expect, test } from './fixtures/test.ts';
import { seedJob, jobRow, openApp, openJob, showView, shownJobs } from './fixtures/queuePage.ts';

test('three runs queued in the page are all there after a reload, with their fields', async ({ page }) => {
  await openApp(page, '/', { paused: true });
  await seedJob(page, 'hplc-01', '/runs/2025-06-01/a');
  await seedJob(page, 'hplc-01', '/runs/2025-06-01/b');
  await seedJob(page, 'ms-07', '/runs/2025-06-01/c');
  await openJob(page, jobRow(page, '/runs/2025-06-01/b'));
  const detail = page.getByTestId('job-detail');
  await detail.getByText('Record a failure or stop syncing').click();
  await detail.getByLabel('What went wrong').fill('NAS answered 503');
  await detail.getByRole('button', { name: 'Record failure (retry later)' }).click();
  await expect(detail.getByTestId('job-attempts')).toHaveText('1');

  await page.reload();
  await openApp(page, '/', { paused: true });
  await showView(page, 'Queue');
  await expect(page.getByTestId('job')).toHaveCount(3);
  // Newest first.
  expect(await shownJobs(page)).toEqual([
    { runPath: '/runs/2025-06-01/c', equipment: 'ms-07', state: 'queued', attempts: '0', reason: null },
    { runPath: '/runs/2025-06-01/b', equipment: 'hplc-01', state: 'queued', attempts: '1', reason: 'NAS answered 503' },
    { runPath: '/runs/2025-06-01/a', equipment: 'hplc-01', state: 'queued', attempts: '0', reason: null },
  ]);
  await expect(jobRow(page, '/runs/2025-06-01/b').getByTestId('job-next-attempt')).toHaveText(/^in \d+ s$|^due now$/);
});

test('"Stop syncing this run" fails the job at once with the reason typed, and Retry queues it again', async ({ page }) => {
  await openApp(page, '/', { paused: true });
  await seedJob(page, 'hplc-01', '/runs/retry-me');
  await openJob(page, jobRow(page, '/runs/retry-me'));
  const detail = page.getByTestId('job-detail');
  await detail.getByText('Record a failure or stop syncing').click();
  await detail.getByLabel('What went wrong').fill('sample was contaminated');
  await detail.getByRole('button', { name: 'Stop syncing this run' }).click();
  await expect(detail).toHaveAttribute('data-state', 'failed');
  await expect(detail.getByTestId('job-state')).toHaveText('Failed');
  await expect(detail.getByTestId('job-reason')).toHaveText('Stopped by an operator. Reason: sample was contaminated');
  await expect(detail.getByTestId('job-last-error')).toHaveText('stopped_by_operator: sample was contaminated');
  await expect(detail.getByTestId('job-attempts')).toHaveText('0');
  await expect(page.getByTestId('problem-count')).toHaveText('1');

  await detail.getByRole('button', { name: 'Retry' }).click();
  await expect(detail).toHaveAttribute('data-state', 'queued');
  await expect(detail.getByTestId('job-reason')).toHaveCount(0);
  const kinds = await detail
    .getByTestId('job-history')
    .locator('li')
    .evaluateAll((li) => li.map((l) => l.getAttribute('data-kind')));
  expect(kinds).toEqual(['stopped', 'retried']);
  await showView(page, 'Queue');
  await expect(page.getByRole('button', { name: /^Failed/ }).locator('.count')).toHaveText('0');
});

test('bad input is refused with a message and nothing is queued', async ({ page }) => {
  await openApp(page, '/', { paused: true });
  await seedJob(page, 'hplc-01', '/runs/once');
  await showView(page, 'New run');
  const form = page.getByRole('form', { name: 'New run' });
  await form.getByLabel('Equipment id').fill('hplc-01');
  await form.getByTestId('pick-files').setInputFiles([{ name: 'plate.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n') }]);
  await form.getByLabel('Run name').fill('..');
  await form.getByRole('button', { name: 'Queue run' }).click();
  await expect(form.getByRole('alert')).toContainText('has no usable characters');
  // The equipment id: one rule wherever a run is taken (shared/runInput.ts), blank called empty.
  await form.getByLabel('Run name').fill('plate run');
  await form.getByLabel('Equipment id').fill(' ');
  await form.getByRole('button', { name: 'Queue run' }).click();
  await expect(form.getByRole('alert')).toHaveText('The equipment id is empty; type it, for example "hplc-02".');
  await form.getByLabel('Equipment id').fill('x'.repeat(500));
  await form.getByRole('button', { name: 'Queue run' }).click();
  await expect(form.getByRole('alert')).toHaveText('The equipment id is 500 characters long; use at most 64.');
  await form.getByLabel('Equipment id').fill('hplc-01');
  await form.getByTestId('pick-files').setInputFiles([{ name: 'plate\\1.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n') }]);
  await form.getByLabel('Run name').fill('plate run');
  await form.getByRole('button', { name: 'Queue run' }).click();
  await expect(form.getByRole('alert')).toContainText('contains a backslash');
  // The by-path form is gone: a run is queued with its files, or not at all (issue #11).
  await expect(page.getByRole('form', { name: 'Queue a run by path' })).toHaveCount(0);
  await showView(page, 'Queue');
  await expect(page.getByTestId('job')).toHaveCount(1);
});

test('a run name that looks like markup is shown as text', async ({ page }) => {
  await openApp(page, '/', { paused: true });
  const hostile = '<img src=x onerror="document.title=\'pwned\'">';
  await seedJob(page, 'hplc-01', hostile);
  await expect(jobRow(page, hostile)).toBeVisible();
  await expect(jobRow(page, hostile).getByTestId('job-name')).toHaveText(hostile);
  await openJob(page, jobRow(page, hostile));
  await expect(page.getByTestId('job-detail').getByTestId('job-name')).toHaveText(hostile);
  // Everywhere it is shown: queue row, job page, and as a problem with a hostile reason too.
  await page.getByText('Record a failure or stop syncing').click();
  await page.getByLabel('What went wrong').fill(hostile);
  await page.getByRole('button', { name: 'Stop syncing this run' }).click();
  await showView(page, 'Problems');
  await expect(page.getByTestId('problem-reason')).toContainText(hostile);
  await expect(page.locator('main img')).toHaveCount(0);
  await expect(page).toHaveTitle('exlab-sync');
});

test('the worker refuses an illegal move and changes nothing; the page has no general move at all', async ({ page }) => {
  await openApp(page, '/', { paused: true });
  await seedJob(page, 'hplc-01', '/runs/illegal');
  const result = await page.evaluate(async () => {
    const api = (globalThis as any).exlabApi;
    const hooks = (globalThis as any).exlabTestHooks;
    const { value } = await api.list({});
    const id = value.jobs[0].id;
    // What the page reaches: no move, no queueing by path (the call fails in the worker, nothing runs).
    const pageMove = await api.move(id, 'verified').then(
      () => 'resolved',
      (err: Error) => err.name,
    );
    const pageEnqueue = await api.enqueue({ equipmentId: 'x', runPath: '/runs/x' }).then(
      () => 'resolved',
      (err: Error) => err.name,
    );
    // The test hooks' move still keeps to the state machine.
    const jump = await hooks.move(id, 'cleaned');
    const retry = await api.retry(id);
    const del = await api.discard(id);
    return { pageMove, pageEnqueue, jump, retry, del, after: (await api.get(id)).value, count: (await api.counts()).value.queued };
  });
  expect(result.pageMove).toBe('TypeError');
  expect(result.pageEnqueue).toBe('TypeError');
  expect(result.jump).toMatchObject({ ok: false, error: { code: 'illegal-move' } });
  expect(result.retry).toMatchObject({ ok: false, error: { code: 'illegal-move' } });
  expect(result.del).toMatchObject({ ok: false, error: { code: 'illegal-move' } });
  expect(result.after).toMatchObject({ state: 'queued', attempts: 0 });
  expect(result.count).toBe(1);
});
