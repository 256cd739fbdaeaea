import { expect, test } from './fixtures/test.ts';
import { jobRow, openApp, seedJob } from './fixtures/queuePage.ts';

test('a job left RUNNING when the page was closed comes back QUEUED', async ({ context }) => {
  const first = await context.newPage();
  await openApp(first, '/', { paused: true });
  await seedJob(first, 'hplc-01', '/runs/interrupted');
  await seedJob(first, 'hplc-01', '/runs/verifying');
  await first.evaluate(async () => {
    const api = (globalThis as any).exlabApi;
    const hooks = (globalThis as any).exlabTestHooks;
    const { value } = await api.list({});
    const [a, b] = value.jobs;
    await hooks.move(a.id, 'running');
    await hooks.move(b.id, 'running');
    await hooks.move(b.id, 'awaiting_verify');
  });
  await expect(jobRow(first, '/runs/interrupted')).toHaveAttribute('data-state', 'running');
  await first.close();

  const second = await context.newPage();
  await openApp(second);
  await expect(jobRow(second, '/runs/interrupted')).toHaveAttribute('data-state', 'queued');
  // Replay leaves AWAITING_VERIFY for the verifier, as the seed does.
  await expect(jobRow(second, '/runs/verifying')).toHaveAttribute('data-state', 'awaiting_verify');
});
