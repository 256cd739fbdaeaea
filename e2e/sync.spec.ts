import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures/test.ts';
import { E2E_NAS_ROOT } from '../test/support/paths.ts';
import { addRunFromFolder, jobRowByName, openApp, openJob } from './fixtures/queuePage.ts';
import { hashTree } from '../test/support/hashTree.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';

const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

test('a run picked as a folder lands on the embedded NAS byte-identical, is verified, then freed', async ({ page }) => {
  const folder = join('.tmp', 'runs', 'awkward');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  makeRunFolder(folder);
  await openApp(page);
  const settings = await page.evaluate(() => (globalThis as any).exlabApi.updateSettings({ retentionHours: 0 }));
  expect(settings.ok).toBe(true);

  await addRunFromFolder(page, 'hplc-01', 'awkward run #1', folder);
  const nasPath = `hplc-01/${today()}/awkward run #1`;
  const row = jobRowByName(page, 'awkward run #1');
  await expect(row).toHaveAttribute('data-state', 'cleaned', { timeout: 60_000 });

  const onNas = hashTree(join(E2E_NAS_ROOT, nasPath));
  const manifest = readFileSync(join(E2E_NAS_ROOT, nasPath, 'manifest-sha256.txt'), 'utf8');
  onNas.delete('manifest-sha256.txt');
  onNas.delete('.exlab-claim.json');
  const sent = hashTree(folder);
  expect(onNas).toEqual(sent);
  expect(sent.size).toBe(20);
  expect(manifest.trim().split('\n').sort()).toEqual([...sent].map(([p, h]) => `${h}  ${p}`).sort());
  const history = await page.evaluate(async () => {
    const api = (globalThis as any).exlabApi;
    const job = (await api.list({})).value.jobs[0];
    return (await api.history(job.id)).value.map((e: { kind: string }) => e.kind);
  });
  expect(history).toEqual(['enqueued', 'upload-started', 'uploaded', 'verified', 'local-delete', 'cleaned']);
});

test('a path that would leave the run is refused and nothing is kept', async ({ page }) => {
  await openApp(page, '/', { paused: true });
  const res = await page.evaluate(async () => {
    const api = (globalThis as any).exlabApi;
    const r = await api.addRun({
      equipmentId: 'hplc-01',
      runName: 'evil',
      files: [
        { relPath: 'ok.txt', file: new Blob(['fine']) },
        { relPath: 'a/../../escape.txt', file: new Blob(['nope']) },
      ],
    });
    const root = await navigator.storage.getDirectory();
    let runs = 0;
    for await (const _ of ((await root.getDirectoryHandle('runs', { create: true })) as any).keys()) runs++;
    return { r, runs, jobs: (await api.list({})).value.jobs.length };
  });
  expect(res.r).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  expect(res.r.error.message).toContain('outside its run');
  expect(res.runs).toBe(0);
  expect(res.jobs).toBe(0);
});

test('a run file gone from the device before upload fails the job at once: local_file_vanished', async ({ page }) => {
  const folder = join('.tmp', 'runs', 'vanishing');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  makeRunFolder(folder, { names: ['a.csv', 'b.csv', 'c/d.csv'] });
  await openApp(page, '/', { paused: true });
  await addRunFromFolder(page, 'hplc-01', 'vanishing', folder);
  const gone = await page.evaluate(async () => {
    const api = (globalThis as any).exlabApi;
    const job = (await api.list({})).value.jobs[0];
    const files: { seq: number; size: number; rel_path: string; pack_offset: number }[] = (await api.files(job.id)).value;
    // The run's small files share its pack: cut it short by one byte, as a disk error or a storage
    // clean-up outside the app could, and the last file in it is lost; the others are still whole.
    const last = files.reduce((a, b) => (b.pack_offset > a.pack_offset ? b : a));
    const runs = await (await navigator.storage.getDirectory()).getDirectoryHandle('runs');
    const pack = await (await (await runs.getDirectoryHandle(job.id)).getFileHandle('pack')).createWritable({ keepExistingData: true });
    await pack.truncate(last.pack_offset + last.size - 1);
    await pack.close();
    const file = last;
    await api.updateSettings({ paused: false });
    return file.rel_path as string;
  });
  const row = jobRowByName(page, 'vanishing');
  await expect(row).toHaveAttribute('data-state', 'failed');
  await expect(row.getByTestId('job-reason')).toContainText('A file of this run is gone from the device');
  await expect(row.getByTestId('job-attempts')).toHaveText('0');
  await openJob(page, row);
  await expect(page.getByTestId('job-last-error')).toHaveText(`local_file_vanished: ${gone}`);
});
