import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { freePort } from '../test/support/freePort.ts';
import { serveApp, type ServedApp } from '../test/support/serveApp.ts';
import { launchChromium } from '../test/support/launchChromium.ts';
import { addRunFromFolder, openApp } from './fixtures/queuePage.ts';
import { hashTree } from '../test/support/hashTree.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { expect, test } from './fixtures/test.ts';
import { E2E_DIST } from '../test/support/paths.ts';

async function controlledBySw(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((r) => navigator.serviceWorker.addEventListener('controllerchange', () => r(), { once: true }));
    }
  });
}

test('with the server that served it gone, the app starts, shows the queue and takes a run (a big file too); back online, it uploads', async ({
  page,
}) => {
  const port = await freePort();
  const work = mkdtempSync(join(tmpdir(), 'exlab-offline-'));
  const davRoot = join(work, 'nas');
  let app: ServedApp | null = await serveApp({ port, davRoot, distDir: E2E_DIST });
  try {
    await openApp(page, app.url);
    await controlledBySw(page);
    await app.stop();
    app = null;
    const gone = await page.request.get(`http://127.0.0.1:${port}/`).catch(() => null);
    expect(gone).toBeNull();

    await page.reload();
    await openApp(page, `http://127.0.0.1:${port}/`);
    await expect(page.getByRole('heading', { name: 'exlab-sync' })).toBeVisible();
    const folder = join(work, 'field-run');
    mkdirSync(folder);
    makeRunFolder(folder, { names: ['spectrum.csv', 'notes/field notes.txt'] });
    // Over 4 MB: hashed in the hash worker, whose script comes from the service worker's cache here.
    writeFileSync(join(folder, 'raw.bin'), randomBytes(6 * 1024 * 1024 + 17));
    await addRunFromFolder(page, 'field-3', 'offline run', folder);
    const job = page.getByTestId('job').first();
    await expect(job).toHaveAttribute('data-state', 'queued');
    await expect(page.getByTestId('engine-status')).toContainText('NAS unreachable');
    await expect(job.getByTestId('job-attempts')).toHaveText('0');

    app = await serveApp({ port, davRoot, distDir: E2E_DIST });
    await expect(job).toHaveAttribute('data-state', /verified|cleaned/, { timeout: 60_000 });
    await expect(job.getByTestId('job-attempts')).toHaveText('0');
    const nasPath = (await job.getByTestId('job-nas-path').textContent())!;
    const onNas = hashTree(join(davRoot, nasPath));
    onNas.delete('manifest-sha256.txt');
    onNas.delete('.exlab-claim.json');
    expect(onNas).toEqual(hashTree(folder));
  } finally {
    await app?.stop();
    rmSync(work, { recursive: true, force: true });
  }
});

test("Chromium's installability check finds nothing wrong; the icons have their declared sizes", async ({ baseURL }) => {
  const profile = mkdtempSync(join(tmpdir(), 'exlab-install-'));
  const browser = await launchChromium(profile);
  try {
    const page = await browser.context.newPage();
    await openApp(page, baseURL);
    await controlledBySw(page);
    const cdp = await browser.context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] };
    expect(installabilityErrors).toEqual([]);
    // The page asked for persistent storage and shows the browser's answer (either is shown in words).
    await expect(page.getByTestId('storage-persisted')).toHaveAttribute('data-persisted', /^(true|false)$/);
    await expect(page.getByTestId('storage-status')).toContainText(/Storage .* of /);
    const manifest = await (await page.request.get(new URL('/manifest.webmanifest', baseURL).href)).json();
    expect(manifest).toMatchObject({ display: 'standalone', start_url: '/', scope: '/' });
    expect(manifest.icons.some((i: { purpose: string }) => i.purpose === 'maskable')).toBe(true);
    for (const icon of manifest.icons as { src: string; sizes: string }[]) {
      const png = await (await page.request.get(new URL(icon.src, baseURL).href)).body();
      // PNG: width and height are the big-endian words at bytes 16 and 20 of the IHDR chunk.
      expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`).toBe(icon.sizes);
    }
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('a share-target POST with two files opens New run with both listed', async ({ page }) => {
  await openApp(page, '/', { paused: true });
  await controlledBySw(page);
  // What Android's share sheet sends: a multipart POST of the files to the manifest's share_target action.
  await page.evaluate(() => {
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = '/share-target';
    form.enctype = 'multipart/form-data';
    const input = document.createElement('input');
    input.type = 'file';
    input.name = 'files';
    input.multiple = true;
    const dt = new DataTransfer();
    dt.items.add(new File(['a,b\n1,2\n'], 'plate 1.csv', { type: 'text/csv' }));
    dt.items.add(new File(['instrument log'], 'run #7.log', { type: 'text/plain' }));
    input.files = dt.files;
    form.append(input);
    document.body.append(form);
    form.submit();
  });
  await page.waitForURL((url) => url.pathname === '/');
  const form = page.getByRole('form', { name: 'New run' });
  await expect(form.getByTestId('picked-summary')).toHaveText(/^2 files/);
  await expect(form.getByTestId('picked-file')).toHaveText(['plate 1.csv', 'run #7.log']);
  expect(readFileSync(`${E2E_DIST}/manifest.webmanifest`, 'utf8')).toContain('"share_target"');
});

test('requests to the NAS go straight to the network, past the service worker (its static routes); navigations still reach it', async ({
  page,
}) => {
  await openApp(page, '/', { paused: true });
  await controlledBySw(page);
  const routes = await page.evaluate(async () => {
    // What the sync worker sends (a listing, a file read back) and what a page load asks for.
    await (await fetch('/dav/', { method: 'PROPFIND', headers: { Depth: '0' } })).text();
    await (await fetch('/dav/')).text();
    await new Promise((r) => setTimeout(r, 0));
    const sources = (performance.getEntriesByName(new URL('/dav/', location.href).href) as any[]).map(
      (e) => e.workerMatchedSourceType as string,
    );
    return { propfind: sources.at(-2), get: sources.at(-1) };
  });
  expect(routes).toEqual({ propfind: 'network', get: 'network' });
  // The page itself still comes from the service worker: its navigation is answered by the fetch handler.
  await page.reload();
  const nav = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as any).workerMatchedSourceType as string);
  expect(nav).toBe('');
  expect(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as any).workerStart > 0)).toBe(true);
});
