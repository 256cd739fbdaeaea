import type { Page } from '@playwright/test';
import { openApp, openJob, showView } from './fixtures/queuePage.ts';
import { expect, test } from './fixtures/test.ts';
import { MAX_EQUIPMENT_ID_CHARS, MAX_RUN_NAME_CHARS } from '../src/shared/runInput.ts';

// The longest equipment id and run name the app takes, with no space to break at, never make a page
// wider than the window: a tablet held upright, and a phone.

const EQUIPMENT = 'E'.repeat(MAX_EQUIPMENT_ID_CHARS);
const RUN = 'R'.repeat(MAX_RUN_NAME_CHARS);

/** How much wider than the window the page is (0 when it fits). */
async function overflowPx(page: Page): Promise<number> {
  return page.evaluate(async () => {
    for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
    return document.documentElement.scrollWidth - document.documentElement.clientWidth;
  });
}

test('a run with the longest unbroken equipment id and name fits the Queue, Job and Problems views at 800 and 360 px', async ({ page }) => {
  await openApp(page, '/', { paused: true });
  const added = await page.evaluate(
    async ({ equipmentId, runName }) => {
      const api = (globalThis as any).exlabApi;
      const files = [{ relPath: `${'F'.repeat(200)}.csv`, file: new Blob(['a,b\n']) }];
      const waiting = await api.addRun({ equipmentId, runName, files });
      const failed = await api.addRun({ equipmentId, runName: `${runName.slice(1)}2`, files });
      await api.recordFailure(failed.value.id, {
        error: `nas_error: PUT /dav/${equipmentId}/${runName}/${'F'.repeat(200)}.csv answered 500`,
        terminal: true,
      });
      return { ok: waiting.ok && failed.ok, id: waiting.value.id };
    },
    { equipmentId: EQUIPMENT, runName: RUN },
  );
  expect(added.ok).toBe(true);

  for (const width of [800, 360]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForFunction((w) => window.innerWidth === w, width);
    await showView(page, 'Queue');
    await expect(page.getByTestId('job')).toHaveCount(2);
    expect(await overflowPx(page), `Queue at ${width} px`).toBe(0);

    await openJob(page, page.locator(`[data-job-id="${added.id}"]`));
    await expect(page.getByTestId('job-equipment')).toHaveText(EQUIPMENT);
    expect(await overflowPx(page), `Job at ${width} px`).toBe(0);

    await showView(page, 'Problems');
    await expect(page.getByTestId('problem')).toHaveCount(1);
    await page.getByTestId('problem').getByText('Technical detail').click();
    expect(await overflowPx(page), `Problems at ${width} px`).toBe(0);
  }
});
