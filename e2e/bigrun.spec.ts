import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startApacheDav } from '../test/support/apacheDav.ts';
import { launchChromium, type RealChromium } from '../test/support/launchChromium.ts';
import { readDavLog } from '../test/support/davLog.ts';
import { E2E_DIST, E2E_NAS_LOG, E2E_NAS_ROOT } from '../test/support/paths.ts';
import { addRunFromFolder, openApp } from './fixtures/queuePage.ts';
import { hashTree } from '../test/support/hashTree.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { assertNoEarlyLocalDeletes, expect, test } from './fixtures/test.ts';

// Large runs need a real on-disk profile (Playwright's default context is incognito-like, with a small
// OPFS quota), and the memory figure needs the browser's own processes: Chromium is started by hand.

const MB = 1 << 20;
let profile = '';
let browser: RealChromium | null = null;

test.beforeEach(() => {
  profile = mkdtempSync(join(tmpdir(), 'exlab-big-'));
});
test.afterEach(async () => {
  await browser?.close();
  browser = null;
  rmSync(profile, { recursive: true, force: true });
});

async function api<T>(page: Page, fn: string): Promise<T> {
  return page.evaluate(`(async (api) => { ${fn} })(globalThis.exlabApi)`) as Promise<T>;
}

async function onlyJob(page: Page): Promise<{ id: string; state: string; nas_path: string }> {
  return api(page, 'return (await api.list({})).value.jobs[0];');
}

async function waitForState(page: Page, state: string, timeoutMs = 180_000): Promise<void> {
  await expect.poll(async () => (await onlyJob(page)).state, { timeout: timeoutMs, intervals: [200] }).toBe(state);
}

function runFolder(name: string, bigMb: number): string {
  const folder = join('.tmp', 'runs', name);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  makeRunFolder(folder, { bigFiles: [{ name: 'raw/big capture #1.bin', mb: bigMb }] });
  return folder;
}

test('20 awkward files and a 200 MB file reach the embedded NAS whole; the browser grows by less than 64 MB while uploading', async ({
  baseURL,
}) => {
  test.setTimeout(300_000);
  const folder = runFolder('big-embedded', 200);
  browser = await launchChromium(profile);
  const page = await browser.context.newPage();
  await openApp(page, baseURL, { paused: true });
  await api(page, `return api.updateSettings({ retentionHours: 0, verifyMode: '${process.env.VM ?? 'checksum'}' });`);
  await addRunFromFolder(page, 'ms-07', 'big run', folder);
  const job = await onlyJob(page);

  const baseline = await browser.rssByType();
  const peak = { ...baseline };
  const sampler = setInterval(async () => {
    for (const [type, bytes] of Object.entries(await browser!.rssByType())) peak[type] = Math.max(peak[type] ?? 0, bytes);
  }, 100);
  try {
    await api(page, 'return api.updateSettings({ paused: false });');
    await waitForState(page, 'cleaned');
  } finally {
    clearInterval(sampler);
  }
  const growthMb = Object.fromEntries(Object.keys(peak).map((t) => [t, ((peak[t] - (baseline[t] ?? 0)) / MB).toFixed(1)]));
  console.log(`RSS growth by process during the 200 MB upload, verify and cleanup (MB): ${JSON.stringify(growthMb)}`);
  // The page and its worker live in the renderer process.
  expect(Number(growthMb.renderer)).toBeLessThan(64);
  const onNas = hashTree(join(E2E_NAS_ROOT, job.nas_path));
  onNas.delete('manifest-sha256.txt');
  onNas.delete('.exlab-claim.json');
  expect(onNas).toEqual(hashTree(folder));
  expect(onNas.size).toBe(21);
  await assertNoEarlyLocalDeletes(page);
});

test('the same run reaches Apache httpd mod_dav whole, served from the same origin as the app', async () => {
  test.setTimeout(300_000);
  const folder = runFolder('big-apache', 200);
  const apache = await startApacheDav(E2E_DIST, '.tmp/apache');
  try {
    browser = await launchChromium(profile);
    const page = await browser.context.newPage();
    await openApp(page, `${apache.origin}/`);
    await api(page, 'return api.updateSettings({ retentionHours: 0 });');
    await addRunFromFolder(page, 'ms-07', 'apache run', folder);
    await waitForState(page, 'cleaned');
    const job = await onlyJob(page);
    const onNas = hashTree(join(apache.davRoot, job.nas_path));
    const manifest = onNas.get('manifest-sha256.txt');
    onNas.delete('manifest-sha256.txt');
    onNas.delete('.exlab-claim.json');
    expect(manifest).toBeDefined();
    expect(onNas).toEqual(hashTree(folder));
    // What the NAS's engineer checks with `sha256sum -c manifest-sha256.txt`: each line is the true SHA-256
    // of a file there. Verify reads a big file back by its pieces (hash/chunkDigests.ts), not by this hash.
    const lines = readFileSync(join(apache.davRoot, job.nas_path, 'manifest-sha256.txt'), 'utf8')
      .trimEnd()
      .split('\n')
      .filter((l) => !l.startsWith('#')); // the names a file had on the device, when they had to change
    expect(new Map(lines.map((l) => [l.slice(66), l.slice(0, 64)]))).toEqual(onNas);
    // The run's own PUTs: the device's state file (.exlab-sync/devices/) is written 5 s after a change, so
    // it lands in this log when the run takes longer than that (the slow CI machine: 24 PUTs, one its).
    const puts = apache.requests().filter((r) => r.startsWith('PUT ') && !r.includes(' /dav/.exlab-sync/'));
    // 21 files, the manifest and the run folder's claim.
    expect(puts.length).toBe(23);
    expect(puts.every((r) => r.includes('.exlab-part-') && r.endsWith(' 201'))).toBe(true);
    await assertNoEarlyLocalDeletes(page);
  } finally {
    await apache.stop();
  }
});

test('the browser killed mid-upload: the run resumes, uploaded files are not sent again, the NAS ends whole with no temporaries', async ({
  baseURL,
}) => {
  test.setTimeout(300_000);
  const folder = join('.tmp', 'runs', 'resume');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  makeRunFolder(folder, {
    names: ['notes.txt'],
    bigFiles: Array.from({ length: 8 }, (_, i) => ({ name: `frames/part-${i}.bin`, mb: 40 })),
  });

  browser = await launchChromium(profile);
  let page = await browser.context.newPage();
  await openApp(page, baseURL, { paused: true });
  await api(page, 'return api.updateSettings({ retentionHours: 0, concurrency: 1 });');
  await addRunFromFolder(page, 'cam-3', 'resume run', folder);
  const job = await onlyJob(page);
  await api(page, 'return api.updateSettings({ paused: false });');
  // Kill as soon as some, not all, files are whole on the NAS.
  let uploadedBeforeKill: number[] = [];
  await expect
    .poll(
      async () => {
        const files = await api<{ seq: number; uploaded_at: string | null }[]>(
          page,
          `return (await api.files(${JSON.stringify(job.id)})).value;`,
        );
        uploadedBeforeKill = files.filter((f) => f.uploaded_at).map((f) => f.seq);
        return uploadedBeforeKill.length;
      },
      { timeout: 60_000, intervals: [20] },
    )
    .toBeGreaterThan(0);
  expect(uploadedBeforeKill.length).toBeLessThan(9);
  await browser.kill();

  browser = await launchChromium(profile);
  page = await browser.context.newPage();
  await openApp(page, baseURL);
  await waitForState(page, 'cleaned');

  const putsBySeq = new Map<number, number>();
  const prefix = `.exlab-part-${job.id}-`;
  for (const { method, path } of readDavLog(E2E_NAS_LOG)) {
    const m = method === 'PUT' ? decodeURIComponent(path).split(prefix)[1] : undefined;
    if (m && /^\d+$/.test(m)) putsBySeq.set(Number(m), (putsBySeq.get(Number(m)) ?? 0) + 1);
  }
  for (const seq of uploadedBeforeKill) expect(putsBySeq.get(seq), `PUTs of file ${seq}, uploaded before the kill`).toBe(1);
  expect([...putsBySeq.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  const onNas = hashTree(join(E2E_NAS_ROOT, job.nas_path));
  expect([...onNas.keys()].filter((k) => k.includes('.exlab-part-'))).toEqual([]);
  onNas.delete('manifest-sha256.txt');
  onNas.delete('.exlab-claim.json');
  expect(onNas).toEqual(hashTree(folder));
  await assertNoEarlyLocalDeletes(page);
});
