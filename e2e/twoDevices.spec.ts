import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/test.ts';
import { openApp } from './fixtures/queuePage.ts';
import { hashTree } from '../test/support/hashTree.ts';
import { launchChromium, type RealChromium } from '../test/support/launchChromium.ts';
import { E2E_NAS_ROOT } from '../test/support/paths.ts';

// Two tablets (two Chromium profiles, each its own OPFS and queue) on one NAS, the same equipment id,
// run name and day, started together: each run lands whole in a folder of its own; nothing is overwritten.

const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/** A device's run: the same names on both tablets (a clash on every name), other bytes. */
function runOf(device: string): { relPath: string; text: string }[] {
  return ['spectrum.csv', 'plate/well A1.csv', 'plate/well A2.csv', 'notes.txt'].map((relPath, i) => ({
    relPath,
    text: `${device} ${relPath} ${'x'.repeat(1000 * (i + 1))}`,
  }));
}

async function queuePaused(page: Page, device: string): Promise<string> {
  const res = await page.evaluate(
    async ({ files }) => {
      const api = (globalThis as any).exlabApi;
      const run = {
        equipmentId: 'hplc-01',
        runName: 'twin run',
        files: files.map((f) => ({ relPath: f.relPath, file: new Blob([f.text]) })),
      };
      return api.addRun(run);
    },
    { files: runOf(device) },
  );
  expect(res.ok).toBe(true);
  return res.value.id;
}

const jobOf = (page: Page, id: string) => page.evaluate(async (jobId) => (await (globalThis as any).exlabApi.get(jobId)).value, id);

test('two tablets, same equipment, run name and day, started together: two folders, each whole with its own manifest', async ({
  baseURL,
}) => {
  test.setTimeout(120_000);
  const profiles = [mkdtempSync(join(tmpdir(), 'exlab-tablet-a-')), mkdtempSync(join(tmpdir(), 'exlab-tablet-b-'))];
  const browsers: RealChromium[] = [];
  try {
    const pages: Page[] = [];
    for (const profile of profiles) {
      const chromium = await launchChromium(profile);
      browsers.push(chromium);
      const page = await chromium.context.newPage();
      await openApp(page, baseURL, { paused: true });
      pages.push(page);
    }
    const ids = [await queuePaused(pages[0], 'tablet A'), await queuePaused(pages[1], 'tablet B')];
    // Both start syncing at the same moment.
    await Promise.all(
      pages.map((p) => p.evaluate(() => (globalThis as any).exlabApi.updateSettings({ paused: false, retentionHours: 24 }))),
    );
    const done = [];
    for (const [i, page] of pages.entries()) {
      await expect.poll(async () => (await jobOf(page, ids[i])).state, { timeout: 60_000 }).toBe('verified');
      done.push(await jobOf(page, ids[i]));
    }
    const folders = done.map((j) => j.nas_path as string).sort();
    expect(folders).toEqual([`hplc-01/${today()}/twin run`, `hplc-01/${today()}/twin run (2)`]);
    for (const [i, job] of done.entries()) {
      const device = i === 0 ? 'tablet A' : 'tablet B';
      const onNas = hashTree(join(E2E_NAS_ROOT, job.nas_path));
      const manifest = readFileSync(join(E2E_NAS_ROOT, job.nas_path, 'manifest-sha256.txt'), 'utf8');
      const claim = JSON.parse(readFileSync(join(E2E_NAS_ROOT, job.nas_path, '.exlab-claim.json'), 'utf8'));
      onNas.delete('manifest-sha256.txt');
      onNas.delete('.exlab-claim.json');
      const sent = new Map(runOf(device).map((f) => [f.relPath, sha256(f.text)]));
      expect(onNas).toEqual(sent);
      expect(manifest.trim().split('\n').sort()).toEqual([...sent].map(([p, h]) => `${h}  ${p}`).sort());
      expect(claim).toMatchObject({ app: 'exlab-sync', jobId: job.id });
    }
  } finally {
    for (const b of browsers) await b.close();
    for (const p of profiles) rmSync(p, { recursive: true, force: true });
  }
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
