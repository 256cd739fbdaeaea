import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from '@playwright/test';
import { launchChromium } from '../test/support/launchChromium.ts';
import { openApp, showView } from './fixtures/queuePage.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { expect, test } from './fixtures/test.ts';

// The device's quota runs out, before and in the middle of intake: a clear error naming the sizes, no job,
// and no files left behind in OPFS. Chromium's own quota is lowered through CDP (Storage.overrideQuotaForOrigin).

async function opfsRunFolders(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    let n = 0;
    for await (const _ of ((await root.getDirectoryHandle('runs', { create: true })) as any).keys()) n++;
    return n;
  });
}

async function setQuota(cdp: CDPSession, origin: string, bytes: number): Promise<void> {
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: bytes });
}

test('quota too small for a run, and quota gone in the middle of intake: refused with the sizes, nothing kept', async ({ baseURL }) => {
  test.setTimeout(120_000);
  const work = mkdtempSync(join(tmpdir(), 'exlab-quota-'));
  const browser = await launchChromium(join(work, 'profile'));
  try {
    const page = await browser.context.newPage();
    await openApp(page, baseURL, { paused: true });
    const origin = new URL(baseURL!).origin;
    const cdp = await browser.context.newCDPSession(page);
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    const folder = join(work, 'run');
    mkdirSync(folder);
    makeRunFolder(folder, { names: ['a.txt'], bigFiles: Array.from({ length: 6 }, (_, i) => ({ name: `part-${i}.bin`, mb: 8 })) });
    await showView(page, 'New run');
    const form = page.getByRole('form', { name: 'New run' });
    await form.getByLabel('Equipment id').fill('hplc-01');
    await form.getByTestId('pick-folder').setInputFiles(folder);
    // The form shows the run's size against the free space the browser reports. That estimate does not
    // follow the CDP quota override, so the form lets the run through and the worker must refuse it.
    await expect(form.getByTestId('picked-summary')).toHaveText(/^7 files, 50\.3 MB; [\d.]+ (GB|MB) free on this device$/);

    // 1. Not enough room from the start: refused before anything is written.
    await setQuota(cdp, origin, usage + 10 * 2 ** 20);
    await form.getByRole('button', { name: 'Queue run' }).click();
    await expect(form.getByRole('alert')).toContainText(
      /^The run needs 50\.3 MB (but the device has [\d.]+ MB free|and the device ran out of space while storing it); free some space/,
    );
    expect(await opfsRunFolders(page)).toBe(0);

    // 2. Room at the start, gone while the files are copied in.
    await setQuota(cdp, origin, usage + 500 * 2 ** 20);
    await form.getByRole('button', { name: 'Queue run' }).click();
    await expect(form.getByRole('alert')).toHaveCount(0);
    await expect.poll(() => opfsRunFolders(page), { intervals: [5] }).toBe(1);
    await setQuota(cdp, origin, usage + 12 * 2 ** 20);
    await expect(form.getByRole('alert')).toContainText('The run needs 50.3 MB and the device ran out of space while storing it');
    expect(await opfsRunFolders(page)).toBe(0);
    expect(await page.evaluate(async () => (await (globalThis as any).exlabApi.list({})).value.jobs.length)).toBe(0);

    // Room again: the same run goes in whole.
    await setQuota(cdp, origin, usage + 500 * 2 ** 20);
    await form.getByRole('button', { name: 'Queue run' }).click();
    await expect(form.getByRole('status').filter({ hasText: 'Queued run' })).toBeVisible();
    expect(await opfsRunFolders(page)).toBe(1);
  } finally {
    await browser.close();
    rmSync(work, { recursive: true, force: true });
  }
});
