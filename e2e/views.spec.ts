import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/test.ts';
import { jobRowByName, openApp, showView } from './fixtures/queuePage.ts';

// Every view at tablet portrait and landscape: an accessibility check with axe (no serious or critical
// violation) and a screenshot. `npm run screenshots` writes them to docs/screenshots/ for the README.
const SHOTS = process.env.SCREENSHOT_DIR ?? join('test-results', 'screenshots');
const SIZES = [
  { name: 'portrait', width: 800, height: 1280 },
  { name: 'landscape', width: 1280, height: 800 },
  { name: 'narrow', width: 360, height: 740 },
];

/** Controls smaller than 44 px in either direction (a gloved finger's target), and anything wider than the page. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const targets = document.querySelectorAll('button, a[href], select, summary, input:not([type=checkbox]):not(.visually-hidden), label.check');
    for (const el of targets) {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || el.closest('dialog:not([open])')) continue;
      if (r.height < 44 || r.width < 44) out.push(`${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30)}" is ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push(`page is ${document.documentElement.scrollWidth} px wide in ${window.innerWidth}`);
    return out;
  });
}

/** A queue as a lab would have it: one run verified on the NAS, one failed, some waiting. */
async function seed(page: Page): Promise<void> {
  await openApp(page);
  const res = await page.evaluate(async () => {
    const api = (globalThis as any).exlabApi;
    const csv = (n: number) => new Blob([Array.from({ length: n }, (_, i) => `${i},${(i * 0.37).toFixed(3)}\n`).join('')]);
    const done = await api.addRun({
      equipmentId: 'hplc-02',
      runName: 'calibration 2026-11-28',
      files: [
        { relPath: 'chromatogram.csv', file: csv(4000) },
        { relPath: 'method/gradient.json', file: new Blob(['{"flow": 0.4}']) },
        { relPath: 'raw/detector-A.bin', file: new Blob([new Uint8Array(300_000)]) },
      ],
    });
    if (!done.ok) return done;
    for (let i = 0; i < 600 && (await api.get(done.value.id)).value.state !== 'verified'; i++) await new Promise((r) => setTimeout(r, 100));
    await api.updateSettings({ paused: true });
    const failed = await api.addRun({
      equipmentId: 'ms-07',
      runName: 'peptide screen B',
      files: [{ relPath: 'spectra.mzML', file: csv(2000) }],
    });
    await api.recordFailure(failed.value.id, { error: 'auth: PUT /dav/ms-07/peptide screen B/spectra.mzML answered 401 (check the NAS user and password)', terminal: true });
    const names = ['gradient test', 'blank 3', 'standard curve', 'sample 41', 'sample 42', 'sample 43', 'wash', 'QC mix', 'sample 44', 'plate 9'];
    for (const [i, name] of names.entries()) {
      await api.addRun({
        equipmentId: ['hplc-02', 'ms-07', 'nmr-1'][i % 3],
        runName: name,
        files: Array.from({ length: 2 + (i % 4) }, (_, k) => ({ relPath: `data/part-${k}.csv`, file: csv(500 + i * 900 + k * 300) })),
      });
    }
    return { ok: true, verified: (await api.get(done.value.id)).value.state };
  });
  expect(res).toEqual({ ok: true, verified: 'verified' });
}

async function check(page: Page, view: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.waitForTimeout(150);
    const result = await new AxeBuilder({ page }).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `${view} at ${size.name}`).toEqual([]);
    expect(await layoutProblems(page), `${view} at ${size.name}`).toEqual([]);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `${view}-${size.name}.png`) });
  }
}

for (const scheme of ['light', 'dark'] as const) {
  test(`every view passes axe (no serious or critical violations), ${scheme} mode`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: scheme });
    await seed(page);
    const suffix = scheme === 'dark' ? '-dark' : '';

    await showView(page, 'Queue');
    await expect(page.getByTestId('list-count')).toHaveText('12 jobs');
    await check(page, `queue${suffix}`);

    await showView(page, 'New run');
    await page.getByTestId('pick-files').setInputFiles([
      { name: 'plate-1.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n') },
      { name: 'plate-2.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n3,4\n') },
    ]);
    await page.getByLabel('Run name').fill('plate reader run 14');
    await check(page, `new-run${suffix}`);

    await showView(page, 'Problems');
    await expect(page.getByTestId('problem')).toHaveCount(1);
    await page.getByText('Technical detail').click();
    await check(page, `problems${suffix}`);

    await page.getByRole('button', { name: 'Discard' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await check(page, `discard${suffix}`);
    await page.getByRole('button', { name: 'Keep the run' }).click();

    await showView(page, 'Queue');
    await page.getByRole('searchbox', { name: 'Search run name' }).fill('calibration');
    await expect(page.getByTestId('list-count')).toHaveText('1 job');
    await expect(jobRowByName(page, 'calibration 2026-11-28')).toHaveAttribute('data-state', 'verified');
    await jobRowByName(page, 'calibration 2026-11-28').getByTestId('job-name').click();
    await expect(page.getByTestId('job-detail')).toBeVisible();
    await check(page, `job${suffix}`);

    await showView(page, 'Settings');
    await check(page, `settings${suffix}`);
  });
}
