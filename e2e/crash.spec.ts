import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures/test.ts';
import { launchChromium } from '../test/support/launchChromium.ts';
import { jobRow, listCount, openApp, searchQueue, seedJob } from './fixtures/queuePage.ts';

test('a run queued right before the browser is killed is there after a restart', async ({ baseURL }) => {
  const profile = mkdtempSync(join(tmpdir(), 'exlab-profile-'));
  try {
    for (let round = 1; round <= 3; round++) {
      const chromium = await launchChromium(profile);
      const page = await chromium.context.newPage();
      await openApp(page, baseURL, { paused: round === 1 });
      await expect(listCount(page)).toHaveText(`${(round - 1) * 21} jobs`);
      await seedJob(page, 'hplc-01', `/runs/crash-${round}`);
      // Twenty more through the worker at once: they share commits; each resolved one must survive.
      const resolved = await page.evaluate(async (r) => {
        const hooks = (globalThis as any).exlabTestHooks;
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => hooks.seedJob({ equipmentId: 'ms-07', runPath: `/runs/crash-${r}-${i}` })),
        );
        return results.filter((x: { ok: boolean }) => x.ok).length;
      }, round);
      expect(resolved).toBe(20);
      await chromium.kill();
    }
    const chromium = await launchChromium(profile);
    const page = await chromium.context.newPage();
    await openApp(page, baseURL);
    await expect(listCount(page)).toHaveText('63 jobs');
    for (const round of [1, 2, 3]) {
      await searchQueue(page, `/runs/crash-${round}`);
      await expect(page.getByTestId('job-run-path').first()).toHaveText(`/runs/crash-${round}-19`);
      await expect(listCount(page)).toHaveText('21 jobs');
      // Newest first: the round's first run is the last of its 21.
      await expect(async () => {
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        await expect(jobRow(page, `/runs/crash-${round}`)).toHaveAttribute('data-state', 'queued', { timeout: 500 });
      }).toPass({ timeout: 10_000 });
    }
    await chromium.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});
