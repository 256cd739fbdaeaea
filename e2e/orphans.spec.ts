import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures/test.ts';
import { addRunFromFolder, openApp } from './fixtures/queuePage.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';

// Start-up sweeps the run folders a crash during intake left on the device (a folder with no job), and
// only those: it asks the database about the folders by id (a queue of 100,000 jobs is not read whole).

const runFolders = (page: import('@playwright/test').Page) =>
  page.evaluate(async () => {
    const runs = await (await navigator.storage.getDirectory()).getDirectoryHandle('runs', { create: true });
    const names: string[] = [];
    for await (const name of (runs as any).keys()) names.push(name);
    return names.sort();
  });

test('start-up deletes a run folder no job owns and keeps those of queued runs', async ({ page }) => {
  const folder = join('.tmp', 'runs', 'orphans');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  makeRunFolder(folder, { names: ['a.csv', 'b.csv'] });
  await openApp(page, '/', { paused: true });
  await addRunFromFolder(page, 'hplc-01', 'kept run', folder);
  const jobId = await page.evaluate(async () => (await (globalThis as any).exlabApi.list({})).value.jobs[0].id as string);
  // What a tab killed during intake leaves: the files written, the job never committed.
  await page.evaluate(async () => {
    const runs = await (await navigator.storage.getDirectory()).getDirectoryHandle('runs', { create: true });
    const orphan = await runs.getDirectoryHandle('00000000-0000-4000-8000-00000000dead', { create: true });
    const writable = await (await orphan.getFileHandle('f0', { create: true })).createWritable();
    await writable.write('half a run');
    await writable.close();
  });
  expect(await runFolders(page)).toEqual([jobId, '00000000-0000-4000-8000-00000000dead'].sort());

  await page.reload();
  await expect(page.getByTestId('ownership')).toHaveAttribute('data-status', 'owner');
  await expect.poll(() => runFolders(page)).toEqual([jobId]);
});

test('a run folder that cannot be deleted at start-up (a file in it still open: an intake cut short by "Use here") is left for the next start, and the queue opens', async ({
  context,
  page,
}) => {
  const orphanId = '00000000-0000-4000-8000-00000000beef';
  await openApp(page, '/', { paused: true });
  // Another page of the origin holds a file of the folder open, as the worker of a tab that lost the
  // queue in the middle of an intake holds its run's pack.
  const holder = await context.newPage();
  await holder.goto('/manifest.webmanifest');
  await holder.evaluate(async (id) => {
    const runs = await (await navigator.storage.getDirectory()).getDirectoryHandle('runs', { create: true });
    const orphan = await runs.getDirectoryHandle(id, { create: true });
    const writable = await (await orphan.getFileHandle('pack', { create: true })).createWritable();
    await writable.write('half a run');
    (globalThis as any).held = writable;
  }, orphanId);

  await page.reload();
  await expect(page.getByTestId('ownership')).toHaveAttribute('data-status', 'owner');
  expect(await runFolders(page)).toEqual([orphanId]);

  // Once the file is closed, the next start deletes the folder.
  await holder.evaluate(async () => (globalThis as any).held.close());
  await page.reload();
  await expect(page.getByTestId('ownership')).toHaveAttribute('data-status', 'owner');
  await expect.poll(() => runFolders(page)).toEqual([]);
});
