import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2E_DIST } from '../test/support/paths.ts';
import { startEmbeddedDav } from '../test/support/embeddedDav.ts';
import { startFaultProxy } from '../test/support/faultProxy.ts';
import { startNginxRecipe } from '../test/support/nginxRecipe.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { addRunFromFolder, openApp } from './fixtures/queuePage.ts';
import { expect, test } from './fixtures/test.ts';

// A NAS whose share moved: every request to /dav/ is answered 307 to /dav/moved/. The browser stops at
// the redirect (fetch, redirect: 'manual'; XHR uploads are asked first by such a fetch), so neither a
// run's bytes nor the NAS password go on to the target: the job fails nas_redirect naming the target.

test('a NAS answering 307: the job fails nas_redirect naming the target, which never receives the Authorization header', async ({
  page,
}) => {
  const work = mkdtempSync(join(tmpdir(), 'exlab-307-'));
  const dav = await startEmbeddedDav({ root: join(work, 'nas') });
  const nas = await startFaultProxy(dav.origin);
  const target = (path: string) => path.startsWith('/dav/moved/');
  nas.fault = (_method, path) =>
    target(path) ? null : { type: 'respond', status: 307, body: '', headers: { Location: path.replace(/^\/dav\//, '/dav/moved/') } };
  const recipe = await startNginxRecipe(E2E_DIST, nas.origin, join(work, 'recipe'));
  try {
    await openApp(page, `${recipe.origin}/`);
    const saved = await page.evaluate(() => (globalThis as any).exlabApi.updateSettings({ username: 'lab', password: 'pipette-42' }));
    expect(saved.ok).toBe(true);
    const folder = join(work, 'run');
    mkdirSync(folder);
    makeRunFolder(folder, { names: ['plate 1.csv'], bigFiles: [{ name: 'raw/frames.bin', mb: 2 }] });
    await addRunFromFolder(page, 'hplc-01', 'moved share', folder);
    const job = page.getByTestId('job').first();
    await expect(job).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
    await expect(job.getByTestId('job-reason')).toContainText('The NAS URL redirects elsewhere');
    const lastError: string = await page.evaluate(async () => (await (globalThis as any).exlabApi.list({})).value.jobs[0].last_error);
    expect(lastError).toMatch(new RegExp(`^nas_redirect: \\w+ ${recipe.origin}/dav/\\S* is redirected to ${recipe.origin}/dav/moved/`));

    // The target was asked where it leads, and nothing else: no credentials, no body.
    const atTarget = nas.requests.filter((r) => target(r.path));
    expect(atTarget.length).toBeGreaterThan(0);
    expect(atTarget.filter((r) => r.authorization || r.bodyBytes > 0 || r.method !== 'GET')).toEqual([]);
    // The credentials were in use, sent to the NAS URL only; no run file went anywhere (the redirect was
    // met before any PUT).
    const atNas = nas.requests.filter((r) => !target(r.path));
    expect(atNas.some((r) => r.authorization)).toBe(true);
    expect(atNas.filter((r) => r.method === 'PUT')).toEqual([]);
  } finally {
    await recipe.stop();
    await nas.stop();
    await dav.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
