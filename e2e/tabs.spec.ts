import { expect, test } from './fixtures/test.ts';
import { seedJob, jobRow, openApp, showView } from './fixtures/queuePage.ts';

test('two tabs: one owns the queue, the other says so and takes over when the first closes', async ({ context }) => {
  const a = await context.newPage();
  await openApp(a, '/', { paused: true });
  await seedJob(a, 'hplc-01', '/runs/from-tab-a');

  const b = await context.newPage();
  await b.goto('/');
  await expect(b.getByTestId('open-elsewhere')).toBeVisible();
  await expect(b.getByTestId('ownership')).toHaveAttribute('data-status', 'elsewhere');
  await showView(b, 'New run');
  await expect(b.getByRole('button', { name: 'Queue run' })).toBeDisabled();
  await expect(a.getByTestId('ownership')).toHaveAttribute('data-status', 'owner');

  await a.close();
  await expect(b.getByTestId('ownership')).toHaveAttribute('data-status', 'owner');
  await expect(b.getByTestId('open-elsewhere')).toHaveCount(0);
  await showView(b, 'Queue');
  await expect(jobRow(b, '/runs/from-tab-a')).toBeVisible();
  await seedJob(b, 'hplc-01', '/runs/from-tab-b');

  // "Use here" moves the queue to the asking tab; the former owner then waits.
  const c = await context.newPage();
  await c.goto('/');
  await expect(c.getByTestId('ownership')).toHaveAttribute('data-status', 'elsewhere');
  await c.getByRole('button', { name: 'Use here' }).click();
  await expect(c.getByTestId('ownership')).toHaveAttribute('data-status', 'owner');
  await expect(b.getByTestId('ownership')).toHaveAttribute('data-status', 'elsewhere');
  await expect(jobRow(c, '/runs/from-tab-b')).toBeVisible();
  await expect(c.getByTestId('job')).toHaveCount(2);
});
