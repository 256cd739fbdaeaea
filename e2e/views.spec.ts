import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/test.ts';
import { jobRowByName, openApp, showView } from './fixtures/queuePage.ts';
import { E2E_NAS_ROOT } from '../test/support/paths.ts';
import { facts } from '../test/support/deviceFacts.ts';
import { buildDeviceReport } from '../src/shared/deviceReport.ts';

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
    const targets = document.querySelectorAll(
      'button, a[href], select, summary, input:not([type=checkbox]):not(.visually-hidden), label.check',
    );
    for (const el of targets) {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || el.closest('dialog:not([open])')) continue;
      if (r.height < 44 || r.width < 44)
        out.push(
          `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30)}" is ${Math.round(r.width)}x${Math.round(r.height)}`,
        );
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1)
      out.push(`page is ${document.documentElement.scrollWidth} px wide in ${window.innerWidth}`);
    return out;
  });
}

/** `n` rows of comma-separated numbers, as an instrument exports them. */
function csv(n: number): string {
  return Array.from({ length: n }, (_, i) => `${i},${(i * 0.37).toFixed(3)}\n`).join('');
}

const WAITING = [
  'gradient test',
  'blank 3',
  'standard curve',
  'sample 41',
  'sample 42',
  'sample 43',
  'wash',
  'QC mix',
  'sample 44',
  'plate 9',
].map((runName, i) => ({
  equipmentId: ['hplc-02', 'ms-07', 'nmr-1'][i % 3],
  runName,
  files: Array.from({ length: 2 + (i % 4) }, (_, k) => ({ relPath: `data/part-${k}.csv`, text: csv(500 + i * 900 + k * 300) })),
}));

/** A queue as a lab would have it: one run verified on the NAS, one failed, some waiting. */
async function seed(page: Page): Promise<void> {
  // Each colour scheme seeds a fresh device: the NAS starts empty too, or the run's folder would be the
  // earlier device's and this run would rightly go to "calibration 2026-11-28 (2)".
  for (const entry of readdirSync(E2E_NAS_ROOT)) rmSync(join(E2E_NAS_ROOT, entry), { recursive: true, force: true });
  await openApp(page);
  const done = await page.evaluate(
    (chromatogram) =>
      (globalThis as any).exlabApi.addRun({
        equipmentId: 'hplc-02',
        runName: 'calibration 2026-11-28',
        files: [
          { relPath: 'chromatogram.csv', file: new Blob([chromatogram]) },
          { relPath: 'method/gradient.json', file: new Blob(['{"flow": 0.4}']) },
          { relPath: 'raw/detector-A.bin', file: new Blob([new Uint8Array(300_000)]) },
        ],
      }),
    csv(4000),
  );
  expect(done).toMatchObject({ ok: true });
  const doneId: string = done.value.id;
  // Uploaded and verified by the engine; up to 60 s on a loaded machine.
  const stateOfDone = () => page.evaluate(async (id) => (await (globalThis as any).exlabApi.get(id)).value.state, doneId);
  await expect.poll(stateOfDone, { timeout: 60_000 }).toBe('verified');
  const res = await page.evaluate(
    async ({ id, spectra, waiting }) => {
      const api = (globalThis as any).exlabApi;
      await api.updateSettings({ paused: true });
      const failed = await api.addRun({
        equipmentId: 'ms-07',
        runName: 'peptide screen B',
        files: [{ relPath: 'spectra.mzML', file: new Blob([spectra]) }],
      });
      await api.recordFailure(failed.value.id, {
        error: 'auth: PUT /dav/ms-07/peptide screen B/spectra.mzML answered 401 (check the NAS user and password)',
        terminal: true,
      });
      for (const run of waiting) {
        await api.addRun({ ...run, files: run.files.map((f) => ({ relPath: f.relPath, file: new Blob([f.text]) })) });
      }
      return { ok: true, verified: (await api.get(id)).value.state };
    },
    { id: doneId, spectra: csv(2000), waiting: WAITING },
  );
  expect(res).toEqual({ ok: true, verified: 'verified' });
}

/** Two more tablets on the NAS, as the Lab view reads them: one away for three days with failures and a full device, and a file that is not a device's. */
function otherDevices(): void {
  const dir = join(E2E_NAS_ROOT, '.exlab-sync', 'devices');
  mkdirSync(dir, { recursive: true });
  const day = 24 * 3600_000;
  const away = buildDeviceReport(
    {
      ...facts,
      deviceId: 'b7e1c0de-0000-4000-8000-000000000002',
      deviceName: 'tablet-qc-2 (cold room)',
      lastSyncAt: new Date(Date.now() - 4 * day).toISOString(),
      oldestUnsyncedAt: new Date(Date.now() - 5 * day).toISOString(),
      storage: { usedBytes: 61_500_000_000, quotaBytes: 64_000_000_000, persistent: false },
    },
    Date.now() - 3 * day,
  );
  writeFileSync(join(dir, `${away.deviceId}.json`), JSON.stringify(away, null, 2));
  writeFileSync(join(dir, 'notes.json'), 'written by hand, not by a device');
}

/** Resize, then wait until the page has laid out and painted at the new size and its transitions have ended. */
async function resize(page: Page, size: { width: number; height: number }): Promise<void> {
  await page.setViewportSize({ width: size.width, height: size.height });
  await page.waitForFunction((width) => window.innerWidth === width, size.width);
  await page.evaluate(async () => {
    // Two frames: the first delivers ResizeObserver (the job list measures itself), the second paints that.
    for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
    const ending = document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity);
    await Promise.all(ending.map((a) => a.finished));
  });
}

async function check(page: Page, view: string): Promise<void> {
  for (const size of SIZES) {
    await resize(page, size);
    const result = await new AxeBuilder({ page }).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      `${view} at ${size.name}`,
    ).toEqual([]);
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

    otherDevices();
    await showView(page, 'Lab');
    await expect(page.getByTestId('lab-device')).toHaveCount(3);
    await expect(page.getByTestId('lab-device').first()).toHaveAttribute('data-attention', 'unsynced-old failures storage-full not-seen');
    await page.getByTestId('lab-device').first().getByText('Failed runs (1)').click();
    await check(page, `lab${suffix}`);
  });
}
