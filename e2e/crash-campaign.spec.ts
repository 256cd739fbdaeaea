import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { freePort } from '../test/support/freePort.ts';
import { serveApp } from '../test/support/serveApp.ts';
import { readDavLog } from '../test/support/davLog.ts';
import { launchChromium } from '../test/support/launchChromium.ts';
import { openApp, showView } from './fixtures/queuePage.ts';
import { hashTree } from '../test/support/hashTree.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { assertNoEarlyLocalDeletes, expect, test } from './fixtures/test.ts';
import { E2E_DIST } from '../test/support/paths.ts';

// The crash campaign: Chromium is SIGKILLed at KILLS random moments while runs of many files in nested
// folders are taken in, uploaded, moved, verified, given their manifest and cleaned up; after each
// restart on the same profile the app goes on. At the end every run is on the NAS exactly once and
// byte-identical, no temporary is left, no job is lost or doubled, and no device copy was deleted
// before its job was VERIFIED (the event log, checked against the NAS's own request log).

const KILLS = Number(process.env.KILLS ?? 20);
const RUNS = 4;

interface Job {
  id: string;
  state: string;
  nas_path: string;
}

async function jobs(page: Page): Promise<Job[]> {
  return page.evaluate(async () => (await (globalThis as any).exlabApi.list({ limit: 500 })).value.jobs);
}

/** Start intake of a run from its folder, without waiting for it to finish (a kill may cut it). */
async function startIntake(page: Page, name: string, folder: string): Promise<void> {
  await showView(page, 'New run');
  const form = page.getByRole('form', { name: 'New run' });
  await form.getByLabel('Equipment id').fill('cam-1');
  await form.getByTestId('pick-folder').setInputFiles(folder);
  await form.getByLabel('Run name').fill(name);
  await form.getByRole('button', { name: 'Queue run' }).click();
}

test(`crash campaign: ${KILLS} kills of the browser, every run lands once and whole`, async () => {
  test.setTimeout(KILLS * 30_000 + 120_000);
  const work = mkdtempSync(join(tmpdir(), 'exlab-crash-'));
  const davRoot = join(work, 'nas');
  const log = join(work, 'dav.log');
  writeFileSync(log, '');
  const folders = Array.from({ length: RUNS }, (_, i) => {
    const folder = join(work, `run-${i}`);
    mkdirSync(folder);
    makeRunFolder(folder, { bigFiles: [{ name: `frames/capture-${i}.bin`, mb: 12 }] });
    return folder;
  });
  const app = await serveApp({ port: await freePort(), davRoot, logFile: log, distDir: E2E_DIST });
  const profile = join(work, 'profile');
  const seen: string[] = [];
  try {
    for (let kill = 0; kill < KILLS; kill++) {
      const browser = await launchChromium(profile);
      const page = await browser.context.newPage();
      await openApp(page, app.url);
      if (kill === 0) await page.evaluate(() => (globalThis as any).exlabApi.updateSettings({ retentionHours: 0 }));
      const queued = new Set((await jobs(page)).map((j) => j.nas_path.split('/').pop()));
      const missing = folders.map((_, i) => `run-${i}`).filter((n) => !queued.has(n));
      // Runs the last kill cut during intake were never queued: hand them over again, as a technician would.
      if (missing.length && kill % 2 === 0) await startIntake(page, missing[0], folders[Number(missing[0].slice(4))]);
      await page.waitForTimeout(100 + Math.floor(Math.random() * 1500));
      const states = (await jobs(page).catch(() => [])).map((j) => j.state).join(',');
      seen.push(
        `kill ${kill + 1}: ${states || 'no jobs yet'}${missing.length && kill % 2 === 0 ? ` (during intake of ${missing[0]})` : ''}`,
      );
      await browser.kill();
    }
    console.log(seen.join('\n'));

    const browser = await launchChromium(profile);
    try {
      const page = await browser.context.newPage();
      await openApp(page, app.url);
      for (;;) {
        const queued = new Set((await jobs(page)).map((j) => j.nas_path.split('/').pop()));
        const missing = folders.map((_, i) => `run-${i}`).filter((n) => !queued.has(n));
        if (!missing.length) break;
        await startIntake(page, missing[0], folders[Number(missing[0].slice(4))]);
        await expect(page.getByText(`Queued ${missing[0]}`)).toBeVisible({ timeout: 60_000 });
      }
      await expect
        .poll(async () => (await jobs(page)).map((j) => j.state).join(','), { timeout: 180_000, intervals: [500] })
        .toBe(Array(RUNS).fill('cleaned').join(','));

      const all = await jobs(page);
      expect(all.map((j) => j.nas_path.split('/').pop()).sort()).toEqual(folders.map((_, i) => `run-${i}`));
      const runDirs = new Set(all.map((j) => j.nas_path));
      const date = all[0].nas_path.split('/')[1];
      // Each run: its 21 files, the manifest and the claim.
      expect(hashTree(join(davRoot, 'cam-1', date)).size).toBe(RUNS * 23);
      for (const job of all) {
        const onNas = hashTree(join(davRoot, job.nas_path));
        expect(
          [...onNas.keys()].filter((k) => k.includes('.exlab-part-')),
          job.nas_path,
        ).toEqual([]);
        onNas.delete('manifest-sha256.txt');
        onNas.delete('.exlab-claim.json');
        const i = Number(job.nas_path.split('/').pop()!.slice(4));
        expect(onNas, job.nas_path).toEqual(hashTree(folders[i]));
      }
      expect(runDirs.size).toBe(RUNS);

      // The device copy went only after the job was VERIFIED, and after the NAS got the manifest.
      await assertNoEarlyLocalDeletes(page);
      const requests = readDavLog(log);
      for (const job of all) {
        const history: { kind: string; at: string }[] = await page.evaluate(
          async (id) => (await (globalThis as any).exlabApi.history(id)).value,
          job.id,
        );
        const deleted = history.find((e) => e.kind === 'local-delete');
        const verified = history.find((e) => e.kind === 'verified');
        expect(deleted && verified, job.nas_path).toBeTruthy();
        const manifestMoves = requests.filter(
          (r) => r.method === 'MOVE' && decodeURIComponent(r.path).includes(`${job.nas_path}/manifest-sha256.txt`),
        );
        expect(manifestMoves.length, job.nas_path).toBeGreaterThan(0);
        expect(Date.parse(deleted!.at)).toBeGreaterThanOrEqual(manifestMoves[manifestMoves.length - 1].at);
      }
    } finally {
      await browser.close();
    }
  } finally {
    await app.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
