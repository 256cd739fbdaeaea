import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/test.ts';
import { addRunFromFolder, jobRowByName, openApp } from './fixtures/queuePage.ts';
import { type ApacheDav, startApacheDav } from '../test/support/apacheDav.ts';
import { startBlackHole } from '../test/support/blackHole.ts';
import { hashTree } from '../test/support/hashTree.ts';
import { startNginxRecipe } from '../test/support/nginxRecipe.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { E2E_DIST } from '../test/support/paths.ts';

// Behind the deployment recipe, nginx answers 502 for a NAS that is down and hangs with one that is
// black-holed. Neither is the NAS failing a request: no attempt is spent, the status bar says the NAS is
// unreachable, and the run goes on within seconds of the NAS coming back.

const OUTAGE_MS = 3 * 60_000;

const jobByName = (page: Page, name: string) =>
  page.evaluate(async (runName) => {
    const api = (globalThis as any).exlabApi;
    return (await api.list({})).value.jobs.find((j: { nas_path: string }) => j.nas_path.endsWith(`/${runName}`));
  }, name);

test('NAS down for 3 minutes mid-upload, then black-holed: attempts stay 0, the NAS shows unreachable, each run VERIFIED soon after it is back', async ({
  page,
}) => {
  test.setTimeout(OUTAGE_MS + 5 * 60_000);
  const work = mkdtempSync(join(tmpdir(), 'exlab-outage-'));
  // Apache's workers (www-data) must be able to walk down to the folders they serve.
  chmodSync(work, 0o755);
  const www = join(work, 'www');
  mkdirSync(www);
  writeFileSync(join(www, 'index.html'), '<!doctype html><title>NAS</title>\n');
  let nas: ApacheDav | null = await startApacheDav(www, join(work, 'apache'));
  const port = nas.port;
  const davRoot = nas.davRoot;
  const nginx = await startNginxRecipe(E2E_DIST, nas.origin, join(work, 'nginx'));
  const nasBack = () => startApacheDav(www, join(work, 'apache'), { port, keep: true });
  try {
    await openApp(page, `${nginx.origin}/`);
    await page.evaluate(() => (globalThis as any).exlabApi.updateSettings({ retentionHours: 24 }));
    const folder = join(work, 'big run');
    mkdirSync(folder);
    makeRunFolder(folder, { names: ['plain.csv', 'with space.txt'], bigFiles: [{ name: 'frames/capture.bin', mb: 400 }] });
    await addRunFromFolder(page, 'hplc-01', 'big run', folder);

    // The NAS goes away while the big file is on its way.
    await expect
      .poll(
        async () =>
          Number(
            await page
              .locator('[data-testid=job-progress] progress')
              .getAttribute('value')
              .catch(() => 0),
          ),
        { timeout: 60_000 },
      )
      .toBeGreaterThan(0);
    await nas.stop();
    nas = null;
    const downAt = Date.now();
    await expect.poll(async () => (await jobByName(page, 'big run'))?.last_error ?? '', { timeout: 90_000 }).toMatch(/^nas_unreachable: /);
    await expect(page.getByTestId('engine-status')).toContainText('NAS unreachable');
    // The outage lasts its three minutes; the engine keeps probing all along and must spend nothing.
    while (Date.now() - downAt < OUTAGE_MS) {
      expect((await jobByName(page, 'big run')).attempts).toBe(0);
      await page.waitForTimeout(15_000);
    }
    await expect(page.getByTestId('engine-status')).toContainText('NAS unreachable');
    nas = await nasBack();
    await expect(jobRowByName(page, 'big run')).toHaveAttribute('data-state', 'verified', { timeout: 60_000 });
    const done = await jobByName(page, 'big run');
    expect(done.attempts).toBe(0);
    const onNas = hashTree(join(davRoot, done.nas_path));
    onNas.delete('manifest-sha256.txt');
    onNas.delete('.exlab-claim.json');
    expect(onNas).toEqual(hashTree(folder));

    // Black-holed: the NAS's port takes connections and never answers; nginx waits, the app's timeouts end it.
    await nas.stop();
    nas = null;
    const hole = await startBlackHole(port);
    const small = join(work, 'small run');
    mkdirSync(small);
    makeRunFolder(small, { names: ['a.csv', 'b.csv'] });
    await addRunFromFolder(page, 'hplc-01', 'small run', small);
    await expect
      .poll(async () => (await jobByName(page, 'small run'))?.last_error ?? '', { timeout: 150_000 })
      .toMatch(/^nas_unreachable: /);
    expect((await jobByName(page, 'small run')).attempts).toBe(0);
    await expect(page.getByTestId('engine-status')).toContainText('NAS unreachable');
    await hole.close();
    nas = await nasBack();
    await expect(jobRowByName(page, 'small run')).toHaveAttribute('data-state', 'verified', { timeout: 60_000 });
    expect((await jobByName(page, 'small run')).attempts).toBe(0);
  } finally {
    await nas?.stop();
    await nginx.stop();
    if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
  }
});
