import { mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listCount, openApp, showView } from './fixtures/queuePage.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { expect, test } from './fixtures/test.ts';

// The page stays usable when something goes wrong under it: an address it cannot decode, a fault (not a
// refusal) while a run is being stored.

test('a job address that cannot be decoded shows "no such job", and the app goes on', async ({ page }) => {
  await openApp(page, '/#/job/%', { paused: true });
  await expect(page.getByText('This job is no longer in the queue.')).toBeVisible();
  await page.getByRole('link', { name: 'Back to the queue' }).click();
  await expect(listCount(page)).toHaveText('0 jobs');
  // The same while the app is open: the address changes under it.
  await page.evaluate(() => (location.hash = '#/job/%E0%A4%A'));
  await expect(page.getByText('This job is no longer in the queue.')).toBeVisible();
  await showView(page, 'Settings');
});

test('a fault while a run is stored (a picked file gone from the disk) is shown, the progress bar goes, and the form works again', async ({
  page,
}) => {
  const work = mkdtempSync(join(tmpdir(), 'exlab-intake-fault-'));
  try {
    const folder = join(work, 'run');
    mkdirSync(folder);
    makeRunFolder(folder, { names: ['a.csv', 'b.csv'] });
    await openApp(page, '/', { paused: true });
    await showView(page, 'New run');
    const form = page.getByRole('form', { name: 'New run' });
    await form.getByLabel('Equipment id').fill('hplc-01');
    await form.getByTestId('pick-folder').setInputFiles(folder);
    await expect(form.getByTestId('picked-summary')).toHaveText(/^2 files/);
    // The browser reads a picked file when it is stored: gone from the disk by then, it cannot be read,
    // and the page names it and says what to do.
    unlinkSync(join(folder, 'b.csv'));
    await form.getByRole('button', { name: 'Queue run' }).click();
    await expect(form.getByRole('alert')).toContainText('"b.csv" changed after it was picked, or could no longer be read');
    await expect(form.getByRole('alert')).toContainText('Pick the files again');
    await expect(form.getByText('Copying onto this device')).toHaveCount(0);
    await expect(form.getByRole('button', { name: 'Queue run' })).toBeEnabled();

    await form.getByTestId('pick-folder').setInputFiles(folder);
    await expect(form.getByTestId('picked-summary')).toHaveText(/^1 files/);
    await form.getByRole('button', { name: 'Queue run' }).click();
    await expect(form.getByRole('status').filter({ hasText: 'Queued run (1 files)' })).toBeVisible();
    await showView(page, 'Queue');
    await expect(listCount(page)).toHaveText('1 job');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
