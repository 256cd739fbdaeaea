import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/freePort.ts';
import { serveApp } from '../test/support/serveApp.ts';
import { readDavLog } from '../test/support/davLog.ts';
import { launchChromium } from '../test/support/launchChromium.ts';
import { addRunFromFolder, jobRowByName, openApp } from './fixtures/queuePage.ts';
import { hashTree } from '../test/support/hashTree.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { assertNoEarlyLocalDeletes, expect, test } from './fixtures/test.ts';

function build(tag: string, outDir: string): void {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error', '--outDir', outDir, '--emptyOutDir'], {
    env: { ...process.env, EXLAB_BUILD: tag },
    stdio: 'inherit',
  });
}

test('an update deployed during a 300 MB upload waits for it; then the page runs the new version with every job', async () => {
  test.setTimeout(300_000);
  const work = mkdtempSync(join(tmpdir(), 'exlab-update-'));
  const [v1, v2, live] = ['v1', 'v2', 'live'].map((d) => join(work, d));
  build('v1', v1);
  build('v2', v2);
  cpSync(v1, live, { recursive: true });
  const port = await freePort();
  const davRoot = join(work, 'nas');
  const log = join(work, 'dav.log');
  writeFileSync(log, '');
  const app = await serveApp({ port, davRoot, distDir: live, logFile: log });
  const browser = await launchChromium(join(work, 'profile'));
  try {
    const page = await browser.context.newPage();
    await openApp(page, app.url, { paused: true });
    await expect(page.getByTestId('app-version')).toContainText('+v1');
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.evaluate(() => (globalThis as any).exlabApi.updateSettings({ retentionHours: 1, concurrency: 1 }));
    const folder = join(work, 'run');
    mkdirSync(folder);
    makeRunFolder(folder, { names: ['a.txt'], bigFiles: [{ name: 'big.bin', mb: 300 }] });
    await addRunFromFolder(page, 'ms-07', 'update run', folder);
    await addRunFromFolder(page, 'ms-07', 'second run', join(folder, '..', 'run'));
    await page.evaluate(() => (globalThis as any).exlabApi.updateSettings({ paused: false }));
    await expect(jobRowByName(page, 'update run')).toHaveAttribute('data-state', 'running');

    // Deploy the new version where the old one is served, and let the page find it.
    cpSync(v2, live, { recursive: true });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    const banner = page.getByTestId('update-ready');
    await expect(banner).toBeVisible();
    await banner.getByRole('button', { name: 'Update now' }).click();
    await expect(banner).toContainText('waits for 1 run to finish uploading');

    await expect(page.getByTestId('app-version')).toContainText('+v2', { timeout: 120_000 });
    await openApp(page, app.url);
    await expect(page.getByTestId('job')).toHaveCount(2);
    await expect(jobRowByName(page, 'update run')).toHaveAttribute('data-state', 'verified', { timeout: 60_000 });
    await expect(jobRowByName(page, 'second run')).toHaveAttribute('data-state', 'verified', { timeout: 60_000 });
    const nasPath = (await jobRowByName(page, 'update run').getByTestId('job-nas-path').textContent())!;
    const onNas = hashTree(join(davRoot, nasPath));
    onNas.delete('manifest-sha256.txt');
    onNas.delete('.exlab-claim.json');
    expect(onNas).toEqual(hashTree(folder));
    // The first run's big file was sent once: the update did not cut its upload.
    const temp = await page.evaluate(async () => {
      const api = (globalThis as any).exlabApi;
      const job = (await api.list({})).value.jobs[0];
      const big = (await api.files(job.id)).value.find((f: { rel_path: string }) => f.rel_path === 'big.bin');
      return `.exlab-part-${job.id}-${big.seq}`;
    });
    const bigPuts = readDavLog(log).filter((r) => r.method === 'PUT' && r.path.endsWith(temp));
    expect(bigPuts).toHaveLength(1);
    await assertNoEarlyLocalDeletes(page);
  } finally {
    await browser.close();
    await app.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
