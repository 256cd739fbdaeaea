import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedDav } from '../test/support/embeddedDav.ts';
import { startNginxRecipe } from '../test/support/nginxRecipe.ts';
import { addRunFromFolder, openApp } from './fixtures/queuePage.ts';
import { hashTree } from '../test/support/hashTree.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { expect, test } from './fixtures/test.ts';
import { E2E_DIST } from '../test/support/paths.ts';

test('the nginx recipe serves the app with its security headers, and a run uploads through it', async ({ page }) => {
  const work = mkdtempSync(join(tmpdir(), 'exlab-nginx-'));
  const dav = await startEmbeddedDav({ root: join(work, 'nas') });
  const nginx = await startNginxRecipe(E2E_DIST, dav.origin, join(work, 'nginx'));
  try {
    const res = await page.request.get(`${nginx.origin}/`);
    const csp = res.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers()['x-content-type-options']).toBe('nosniff');
    expect(res.headers()['referrer-policy']).toBe('no-referrer');
    expect((await page.request.get(`${nginx.origin}/sw.js`)).headers()['cache-control']).toBe('no-cache');

    const violations: string[] = [];
    page.on('console', (m) => m.text().includes('Content Security Policy') && violations.push(m.text()));
    await openApp(page, `${nginx.origin}/`);
    await page.evaluate(() => (globalThis as any).exlabApi.updateSettings({ retentionHours: 0 }));
    const folder = join(work, 'run');
    mkdirSync(folder);
    makeRunFolder(folder, { bigFiles: [{ name: 'raw/frames.bin', mb: 3 }] });
    await addRunFromFolder(page, 'hplc-01', 'through nginx', folder);
    const job = page.getByTestId('job').first();
    await expect(job).toHaveAttribute('data-state', 'cleaned', { timeout: 60_000 });
    const nasPath = (await job.getByTestId('job-nas-path').textContent())!;
    const onNas = hashTree(join(work, 'nas', nasPath));
    onNas.delete('manifest-sha256.txt');
    onNas.delete('.exlab-claim.json');
    expect(onNas).toEqual(hashTree(folder));
    expect(violations).toEqual([]);
  } finally {
    await nginx.stop();
    await dav.stop();
    if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
  }
});
