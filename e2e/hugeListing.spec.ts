import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { E2E_DIST } from '../test/support/paths.ts';
import { startEmbeddedDav } from '../test/support/embeddedDav.ts';
import { startFaultProxy } from '../test/support/faultProxy.ts';
import { launchChromium } from '../test/support/launchChromium.ts';
import { startNginxRecipe } from '../test/support/nginxRecipe.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { addRunFromFolder, openApp } from './fixtures/queuePage.ts';
import { expect, test } from './fixtures/test.ts';

// A NAS (or something in front of it) that answers a folder listing with 100 MB: the engine reads at
// most its limit, refuses the rest with a typed error (the job's failure code says which), and the
// browser's memory stays flat while it does. The memory figure needs the browser's own processes:
// Chromium is started by hand.

const MB = 1 << 20;

async function lastError(page: Page): Promise<string | null> {
  return page.evaluate(async () => (await (globalThis as any).exlabApi.list({})).value.jobs[0]?.last_error ?? null);
}

test("a 100 MB PROPFIND answer is refused with the typed error while the browser's memory stays flat", async () => {
  test.setTimeout(120_000);
  const work = mkdtempSync(join(tmpdir(), 'exlab-huge-'));
  const dav = await startEmbeddedDav({ root: join(work, 'nas') });
  const nas = await startFaultProxy(dav.origin);
  // The run folder's Depth-1 listing (what verify reads) never ends; everything else is the real NAS.
  const huge = (method: string, path: string, headers: IncomingHttpHeaders) =>
    method === 'PROPFIND' && headers.depth === '1' && path.startsWith('/dav/hplc-01/');
  nas.fault = (method, path, headers) => (huge(method, path, headers) ? { type: 'huge', bytes: 100 * MB } : null);
  const recipe = await startNginxRecipe(E2E_DIST, nas.origin, join(work, 'recipe'));
  const browser = await launchChromium(join(work, 'profile'));
  try {
    const page = await browser.context.newPage();
    await openApp(page, `${recipe.origin}/`, { paused: true });
    const folder = join(work, 'run');
    mkdirSync(folder);
    makeRunFolder(folder, { names: ['plate 1.csv', 'plate 2.csv'] });
    await addRunFromFolder(page, 'hplc-01', 'endless listing', folder);

    const baseline = await browser.rssByType();
    const peak = { ...baseline };
    const sampler = setInterval(async () => {
      for (const [type, bytes] of Object.entries(await browser.rssByType())) peak[type] = Math.max(peak[type] ?? 0, bytes);
    }, 100);
    try {
      await page.evaluate(() => (globalThis as any).exlabApi.updateSettings({ paused: false }));
      await expect.poll(() => lastError(page), { timeout: 60_000 }).toMatch(/^nas_answer_too_large: PROPFIND /);
    } finally {
      clearInterval(sampler);
    }
    const growthMb = Object.fromEntries(Object.keys(peak).map((t) => [t, ((peak[t] - (baseline[t] ?? 0)) / MB).toFixed(1)]));
    const listing = nas.requests.find((r) => r.method === 'PROPFIND' && r.answerBytes > 0)!;
    console.log(
      `100 MB listing: ${(listing.answerBytes / MB).toFixed(1)} MB sent before the app stopped reading; RSS growth (MB): ${JSON.stringify(growthMb)}`,
    );
    await expect(page.getByTestId('job').first().getByTestId('job-reason')).toContainText('far larger answer');
    // The page and its worker live in the renderer process: it grew by what the limit lets in (16 MB of
    // text), not by the answer.
    expect(Number(growthMb.renderer)).toBeLessThan(64);
    expect(listing.answerBytes).toBeLessThan(50 * MB);
  } finally {
    await browser.close();
    await recipe.stop();
    await nas.stop();
    await dav.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
