import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { launchChromium } from '../test/support/launchChromium.ts';
import { expect, test } from './fixtures/test.ts';
import { jobRow, listCount, openApp, searchQueue, showView } from './fixtures/queuePage.ts';

const JOBS = 100_000;
const pad = (i: number) => String(i).padStart(6, '0');

// On a real profile: Playwright's default context commits about ten times slower (DESIGN.md).
test('a queue of 100,000 jobs opens, scrolls to its last job, filters by state, equipment and name; Retry all re-queues the failed', async ({
  baseURL,
}) => {
  test.setTimeout(240_000);
  const profile = mkdtempSync(join(tmpdir(), 'exlab-bigqueue-'));
  const chromium = await launchChromium(profile);
  try {
    await bigQueue(await chromium.context.newPage(), baseURL!);
  } finally {
    await chromium.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

async function bigQueue(page: Page, baseURL: string): Promise<void> {
  await page.setViewportSize({ width: 800, height: 1280 });
  await openApp(page, baseURL, { paused: true });
  const t0 = Date.now();
  const seeded = await page.evaluate(
    async ({ jobs }) => {
      const api = (globalThis as any).exlabApi;
      const hooks = (globalThis as any).exlabTestHooks;
      for (let start = 0; start < jobs; start += 10_000) {
        const items = [];
        for (let i = start; i < start + 10_000; i++) {
          items.push({ equipmentId: `eq-${i % 4}`, runPath: `/bulk/${String(i).padStart(6, '0')}` });
        }
        const r = await hooks.seedJobs(items);
        if (!r.ok) return r.error.message;
      }
      // Ten jobs fail, so that filtering by state has something to find.
      const page = (await api.listRange({ search: '/bulk/05000' }, 0, 10)).value.jobs;
      for (const job of page) await api.recordFailure(job.id, { error: 'nas_full: the NAS is out of space', terminal: true });
      return (await api.counts()).value;
    },
    { jobs: JOBS },
  );
  console.log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  expect(seeded).toMatchObject({ queued: JOBS - 10, failed: 10 });

  await page.reload();
  const t1 = Date.now();
  await openApp(page, baseURL);
  await expect(listCount(page)).toHaveText('100,000 jobs');
  // Newest first: the last enqueued is on top, the first enqueued is the list's last row.
  await expect(page.getByTestId('job').first().getByTestId('job-run-path')).toHaveText(`/bulk/${pad(JOBS - 1)}`);
  console.log(`first rows ${Date.now() - t1} ms after the reload`);
  const rendered = await page.getByTestId('job').count();
  expect(rendered).toBeLessThan(60);

  await expect(async () => {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect(jobRow(page, `/bulk/${pad(0)}`)).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 60_000 });
  console.log(`end of the list ${Date.now() - t1} ms after the reload`);
  expect(await page.locator('[data-index]').last().getAttribute('data-index')).toBe(String(JOBS - 1));

  await page.getByRole('button', { name: /^Failed/ }).click();
  await expect(listCount(page)).toHaveText('10 jobs');
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page.getByTestId('job').first()).toHaveAttribute('data-state', 'failed');
  const states = await page.getByTestId('job').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
  expect(new Set(states)).toEqual(new Set(['failed']));
  await expect(page.getByTestId('job-reason').first()).toHaveText('The NAS is full. Ask the NAS administrator to free space, then Retry.');
  await page.getByRole('button', { name: /^All/ }).click();

  await page.getByRole('combobox', { name: 'Equipment' }).selectOption('eq-3');
  await expect(listCount(page)).toHaveText('25,000 jobs');
  await expect(page.getByTestId('job-equipment').first()).toHaveText('eq-3');
  await searchQueue(page, '/bulk/09999');
  // 099990..099999, of which those of eq-3: 099991, 099995, 099999.
  await expect(listCount(page)).toHaveText('3 jobs');
  await expect(page.getByTestId('job-run-path')).toHaveText(['/bulk/099999', '/bulk/099995', '/bulk/099991']);

  // Retry all: the ten failed runs go back to the queue in one go.
  await showView(page, 'Problems');
  await expect(page.getByTestId('problem')).toHaveCount(10);
  await page.getByRole('button', { name: 'Retry all (10)' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Re-queued 10 runs' })).toBeVisible();
  await expect(page.getByText('No problems: nothing has failed.')).toBeVisible();
  const counts = await page.evaluate(async () => (await (globalThis as any).exlabApi.counts()).value);
  expect(counts).toMatchObject({ queued: JOBS, failed: 0 });
}
