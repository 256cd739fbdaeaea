import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startApacheDav } from '../test/support/apacheDav.ts';
import { addRunFromFolder, jobRowByName, openApp, openJob, showView } from './fixtures/queuePage.ts';
import { hashTree } from '../test/support/hashTree.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { expect, test } from './fixtures/test.ts';
import { E2E_DIST } from '../test/support/paths.ts';

// A technician's day, by clicks and typing, against Apache mod_dav with a password, as a lab NAS has.

/** The bytes each run folder on the device holds (a run's small files share one file, its pack). */
async function opfsRunFolders(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const out: Record<string, number> = {};
    const runs = await (await navigator.storage.getDirectory()).getDirectoryHandle('runs', { create: true });
    for await (const [name, dir] of (runs as any).entries()) {
      let bytes = 0;
      for await (const file of dir.values()) bytes += (await file.getFile()).size;
      out[name] = bytes;
    }
    return out;
  });
}

async function saveSettings(page: Page, fields: Record<string, string>): Promise<void> {
  await showView(page, 'Settings');
  const form = page.getByRole('form', { name: 'Settings' });
  for (const [label, value] of Object.entries(fields)) await form.getByLabel(label, { exact: true }).fill(value);
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByRole('status')).toHaveText('Settings saved');
}

test('a run from a folder is verified; a wrong password shows in Problems, is fixed in Settings, retried and verified; Discard deletes only what it says', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const apache = await startApacheDav(E2E_DIST, '.tmp/apache-auth', { auth: { username: 'lab', password: 'pipette-42' } });
  const folder = join('.tmp', 'runs', 'technician');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  makeRunFolder(folder);
  try {
    await openApp(page, `${apache.origin}/`);
    await saveSettings(page, { 'NAS user': 'lab', 'NAS password': 'not-the-password' });

    // 1. The run fails at once on the wrong password: no backoff, a plain reason, the detail a tap away.
    await addRunFromFolder(page, 'hplc-01', 'plate run 7', folder);
    await expect(page.getByTestId('problem-count')).toHaveText('1', { timeout: 30_000 });
    await showView(page, 'Problems');
    const problem = page.getByTestId('problem');
    await expect(problem.getByTestId('problem-reason')).toHaveText('Wrong NAS user or password. Fix them in Settings, then Retry.');
    await problem.getByText('Technical detail').click();
    await expect(problem.getByTestId('job-last-error')).toBeVisible();
    await expect(problem.getByTestId('job-last-error')).toContainText('answered 401');

    // 2. Fix the password, check it, Retry: the run reaches Verified and the NAS holds the same bytes.
    await saveSettings(page, { 'NAS password': 'pipette-42' });
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('diagnosis')).toHaveAttribute('data-code', 'ok');
    await showView(page, 'Problems');
    await problem.getByRole('button', { name: 'Retry' }).click();
    await expect(page.getByText('No problems: nothing has failed.')).toBeVisible();
    await showView(page, 'Queue');
    const row = jobRowByName(page, 'plate run 7');
    await expect(row).toHaveAttribute('data-state', 'verified', { timeout: 60_000 });
    await expect(row.getByTestId('job-state')).toHaveText('Verified');
    const nasPath = (await row.getByTestId('job-nas-path').textContent())!;
    const onNas = hashTree(join(apache.davRoot, nasPath));
    onNas.delete('manifest-sha256.txt');
    onNas.delete('.exlab-claim.json');
    expect(onNas).toEqual(hashTree(folder));
    await openJob(page, row);
    await expect(page.getByTestId('job-file-state')).toHaveText(Array(20).fill('On the NAS, verified'));
    await expect(page.getByTestId('job-verified')).toContainText('20 files match');

    // 3. Sync paused; two files dropped on the New run page become a run; an operator stops it.
    await page.getByTestId('sync-switch').click();
    await expect(page.getByTestId('sync-switch')).toHaveAttribute('aria-checked', 'false');
    await showView(page, 'New run');
    const dataTransfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['well,value\nA1,0.12\n'], 'plate.csv', { type: 'text/csv' }));
      dt.items.add(new File(['wrong plate loaded'], 'notes.txt', { type: 'text/plain' }));
      return dt;
    });
    await page.getByTestId('drop-area').dispatchEvent('drop', { dataTransfer });
    const form = page.getByRole('form', { name: 'New run' });
    await expect(form.getByTestId('picked-summary')).toHaveText(/^2 files, 37 B/);
    await form.getByLabel('Run name').fill('bad plate');
    await form.getByRole('button', { name: 'Queue run' }).click();
    await expect(form.getByRole('status')).toHaveText('Queued bad plate (2 files)');
    await showView(page, 'Queue');
    await openJob(page, jobRowByName(page, 'bad plate'));
    await page.getByText('Record a failure or stop syncing').click();
    await page.getByLabel('What went wrong').fill('wrong plate loaded');
    await page.getByRole('button', { name: 'Stop syncing this run' }).click();
    await expect(page.getByTestId('job-detail')).toHaveAttribute('data-state', 'failed');

    // 4. Discard asks, says what it deletes, and deletes exactly that.
    const before = await opfsRunFolders(page);
    const verifiedRunBytes = [...hashTree(folder).keys()].reduce((n, rel) => n + statSync(join(folder, rel)).size, 0);
    expect(Object.values(before).sort((x, y) => x - y)).toEqual([37, verifiedRunBytes].sort((x, y) => x - y));
    await showView(page, 'Problems');
    await expect(page.getByTestId('problem-reason')).toHaveText('Stopped by an operator. Reason: wrong plate loaded');
    await page.getByRole('button', { name: 'Discard' }).click();
    const dialog = page.getByRole('dialog', { name: 'Discard bad plate?' });
    await expect(dialog.getByTestId('discard-what')).toHaveText(
      "This deletes the run's 2 files (37 B) from this device, and the job with its history.",
    );
    await expect(dialog).toContainText('Nothing is deleted on the NAS.');
    await dialog.getByRole('button', { name: 'Keep the run' }).click();
    await expect(dialog).toBeHidden();
    expect(await opfsRunFolders(page)).toEqual(before);
    await page.getByRole('button', { name: 'Discard' }).click();
    await dialog.getByRole('button', { name: 'Discard run' }).click();
    await expect(page.getByText('No problems: nothing has failed.')).toBeVisible();
    const after = await opfsRunFolders(page);
    expect(Object.values(after)).toEqual([verifiedRunBytes]);
    await showView(page, 'Queue');
    await expect(page.getByTestId('list-count')).toHaveText('1 job');
    await expect(jobRowByName(page, 'plate run 7')).toHaveAttribute('data-state', 'verified');
    const stillOnNas = hashTree(join(apache.davRoot, nasPath));
    stillOnNas.delete('manifest-sha256.txt');
    stillOnNas.delete('.exlab-claim.json');
    expect(stillOnNas).toEqual(hashTree(folder));
  } finally {
    await apache.stop();
  }
});
