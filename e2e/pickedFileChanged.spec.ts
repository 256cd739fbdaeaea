import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { launchChromium, type RealChromium } from '../test/support/launchChromium.ts';
import { openApp, showView } from './fixtures/queuePage.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { expect, test } from './fixtures/test.ts';

// An instrument rewrites a file of the run in place (same size) after the technician picked the folder:
// before intake starts, and while intake is copying it. A picked file is a snapshot; what the app stores
// and queues must be that snapshot or nothing, never half old and half new bytes under a digest that
// matches the torn copy (it would be synced, verified against itself, and the device copy freed).
// The files are real files on disk, picked through the file input, as on a tablet.

const MB = 1 << 20;
let work = '';
let browser: RealChromium | null = null;

test.beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'exlab-changed-'));
});
test.afterEach(async () => {
  await browser?.close();
  browser = null;
  rmSync(work, { recursive: true, force: true });
});

/** Overwrite `bytes` bytes at `offset` with 0xEE, in place: the file keeps its size. */
function rewriteInPlace(path: string, offset: number, bytes: number): void {
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(bytes, 0xee), 0, bytes, offset);
  } finally {
    closeSync(fd);
  }
  expect(statSync(path).size).toBe(size);
}

async function jobsAndFolders(page: Page): Promise<{ jobs: number; folders: number }> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    let folders = 0;
    for await (const _ of ((await root.getDirectoryHandle('runs', { create: true })) as any).keys()) folders++;
    const jobs = (await (globalThis as any).exlabApi.list({})).value.jobs.length;
    return { jobs, folders };
  });
}

/** The form's answer to Queue run: the refusal, or (the defect) the run queued. */
async function answer(form: Locator): Promise<string> {
  const said = form.getByRole('alert').or(form.getByRole('status').filter({ hasText: 'Queued run' }));
  await expect(said).toBeVisible({ timeout: 60_000 });
  return (await said.textContent()) ?? '';
}

/** A browser on a real profile, the New run form open with an equipment id filled in. */
async function newRunForm(baseURL: string | undefined): Promise<{ page: Page; form: Locator }> {
  browser = await launchChromium(join(work, 'profile'));
  const page = await browser.context.newPage();
  await openApp(page, baseURL, { paused: true });
  await showView(page, 'New run');
  const form = page.getByRole('form', { name: 'New run' });
  await form.getByLabel('Equipment id').fill('hplc-01');
  return { page, form };
}

const CHANGED = /"big\.bin" changed after it was picked, or could no longer be read/;

test('a picked file rewritten in place before or during intake is refused by name, nothing queued or kept', async ({ baseURL }) => {
  test.setTimeout(180_000);
  const folder = join(work, 'run');
  mkdirSync(folder);
  makeRunFolder(folder, { names: ['a.txt'], bigFiles: [{ name: 'big.bin', mb: 512 }] });
  const big = join(folder, 'big.bin');
  const { page, form } = await newRunForm(baseURL);
  const pick = async () => {
    await form.getByTestId('pick-folder').setInputFiles(folder);
    await expect(form.getByTestId('picked-summary')).toContainText('2 files');
    await expect(form.getByRole('alert')).toHaveCount(0);
  };

  // 1. Rewritten after the folder was picked, before Queue run.
  await pick();
  rewriteInPlace(big, 0, MB);
  await form.getByRole('button', { name: 'Queue run' }).click();
  expect(await answer(form)).toMatch(CHANGED);
  expect(await jobsAndFolders(page)).toEqual({ jobs: 0, folders: 0 });

  // 2. Rewritten while intake copies it: its last megabyte, once the copy has started (512 MB take
  // seconds; the rewrite takes a millisecond). Before the fix the run was queued, its copy torn.
  await pick();
  await form.getByRole('button', { name: 'Queue run' }).click();
  await expect(form.getByText(/Copying onto this device: [1-9]/)).toBeVisible({ timeout: 60_000 });
  rewriteInPlace(big, 511 * MB, MB);
  expect(await answer(form)).toMatch(CHANGED);
  expect(await jobsAndFolders(page)).toEqual({ jobs: 0, folders: 0 });

  // 3. Picked again once complete: queued, and stored as the file now is.
  await pick();
  await form.getByRole('button', { name: 'Queue run' }).click();
  await expect(form.getByRole('status').filter({ hasText: 'Queued run' })).toBeVisible({ timeout: 60_000 });
  expect(await jobsAndFolders(page)).toEqual({ jobs: 1, folders: 1 });
  const stored = await page.evaluate(async () => {
    const api = (globalThis as any).exlabApi;
    const job = (await api.list({})).value.jobs[0];
    return (await api.files(job.id)).value.map((f: { rel_path: string; sha256: string }) => [f.rel_path, f.sha256]);
  });
  const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
  expect(Object.fromEntries(stored)).toEqual({ 'a.txt': sha(join(folder, 'a.txt')), 'big.bin': sha(big) });
});

test('an empty picked file an instrument fills while the rest of the run is copied is refused by name, not queued empty', async ({
  baseURL,
}) => {
  // An instrument that creates its report first and fills it at the end: picked while still empty. The
  // empty file is copied first (0 bytes, unchanged then); the instrument writes it while the big file is
  // copied. A file of 1 byte changed then is refused; the empty one was queued as 0 bytes (before the fix).
  test.setTimeout(180_000);
  const folder = join(work, 'run');
  mkdirSync(folder);
  // The browser lists a picked folder's own files before those of its subfolders: the empty file is
  // copied before the big one starts.
  makeRunFolder(folder, { names: ['empty.bin'], bigFiles: [{ name: 'data/big.bin', mb: 256 }] });
  const { page, form } = await newRunForm(baseURL);
  const input = form.getByTestId('pick-folder');
  const pickFolder = () => input.setInputFiles(folder);
  await pickFolder();
  await expect(form.getByTestId('picked-summary')).toContainText('2 files');
  expect(await input.evaluate((el: HTMLInputElement) => [...el.files!].map((f) => [f.name, f.size]))).toEqual([
    ['empty.bin', 0],
    ['big.bin', 256 * MB],
  ]);
  await form.getByRole('button', { name: 'Queue run' }).click();
  await expect(form.getByText(/Copying onto this device: [1-9]/)).toBeVisible({ timeout: 60_000 });
  writeFileSync(join(folder, 'empty.bin'), 'peak table: 12 rows\n');
  expect(await answer(form)).toMatch(/"empty\.bin" changed after it was picked, or could no longer be read/);
  expect(await jobsAndFolders(page)).toEqual({ jobs: 0, folders: 0 });

  // An empty file left as it was is taken: emptied again, picked again, queued.
  writeFileSync(join(folder, 'empty.bin'), '');
  await pickFolder();
  await expect(form.getByTestId('picked-summary')).toContainText('2 files');
  await form.getByRole('button', { name: 'Queue run' }).click();
  await expect(form.getByRole('status').filter({ hasText: 'Queued run' })).toBeVisible({ timeout: 60_000 });
  expect(await jobsAndFolders(page)).toEqual({ jobs: 1, folders: 1 });
});
