import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/freePort.ts';
import { serveApp } from '../test/support/serveApp.ts';
import { addRunFromFolder, jobRowByName, openApp, showView } from './fixtures/queuePage.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { expect, test } from './fixtures/test.ts';

// The app as shipped (`vite build`, no mode) offers the operator's actions only: no general move, no
// job queued by path, and none of the e2e build's test hooks (src/worker/testHooks.ts), neither in its
// code nor reachable from the page.

function build(outDir: string, mode?: string): void {
  const args = ['vite', 'build', '--logLevel', 'error', '--outDir', outDir, '--emptyOutDir', ...(mode ? ['--mode', mode] : [])];
  execFileSync('npx', args, { stdio: 'inherit' });
}

/** The built files (code only, or the source maps) that hold `text`. */
function filesHolding(dir: string, text: string, ext: '.js' | '.map'): string[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(ext));
  return files.filter((f) => readFileSync(join(dir, f), 'utf8').includes(text));
}

/** The source files a build's source maps were made from. */
function sourcesOf(dir: string): string[] {
  return filesHolding(dir, '"sources"', '.map').flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).sources as string[]);
}

const HOOK_NAMES = ['exlabTestHooks', 'testHooks', 'seedJob'];

test('the shipped build holds no test hook and its page cannot move a job, queue one by path or reach the hooks', async ({ page }) => {
  test.setTimeout(180_000);
  const work = mkdtempSync(join(tmpdir(), 'exlab-shipped-'));
  const [shipped, e2e] = [join(work, 'shipped'), join(work, 'e2e')];
  build(shipped);
  build(e2e, 'e2e');
  // The e2e build has them, so the search below can find them when they are there.
  for (const name of HOOK_NAMES) expect(filesHolding(e2e, name, '.js'), name).not.toEqual([]);
  expect(sourcesOf(e2e).filter((s) => s.endsWith('worker/testHooks.ts'))).toHaveLength(1);
  for (const name of HOOK_NAMES) expect(filesHolding(shipped, name, '.js'), name).toEqual([]);
  expect(sourcesOf(shipped).filter((s) => s.endsWith('worker/testHooks.ts'))).toEqual([]);

  const app = await serveApp({ port: await freePort(), davRoot: join(work, 'nas'), distDir: shipped });
  try {
    await openApp(page, app.url, { paused: true });
    const folder = join(work, 'run');
    mkdirSync(folder);
    makeRunFolder(folder, { names: ['plate.csv'] });
    await addRunFromFolder(page, 'hplc-01', 'never sent', folder);
    await expect(jobRowByName(page, 'never sent')).toHaveAttribute('data-state', 'queued');
    const tried = await page.evaluate(async () => {
      const api = (globalThis as any).exlabApi;
      const id = (await api.list({})).value.jobs[0].id;
      const outcome = (call: Promise<unknown>) =>
        call.then(
          () => 'resolved',
          (err: Error) => err.name,
        );
      return {
        move: await outcome(api.move(id, 'verified', { nasPath: 'elsewhere' })),
        enqueue: await outcome(api.enqueue({ equipmentId: 'x', runPath: '/runs/x', nasPath: 'elsewhere' })),
        enqueueMany: await outcome(api.enqueueMany([{ equipmentId: 'x', runPath: '/runs/y' }])),
        viaHooks: await outcome(api.testHooks.move(id, 'verified')),
        hooksGlobal: typeof (globalThis as any).exlabTestHooks,
        job: (await api.get(id)).value,
        counts: (await api.counts()).value,
      };
    });
    expect(tried).toMatchObject({
      move: 'TypeError',
      enqueue: 'TypeError',
      enqueueMany: 'TypeError',
      viaHooks: 'TypeError',
      hooksGlobal: 'undefined',
    });
    expect(tried.job).toMatchObject({ state: 'queued', attempts: 0 });
    expect(tried.job.nas_path).toMatch(/\/never sent$/);
    expect(tried.counts).toMatchObject({ queued: 1, verified: 0, cleanup_eligible: 0 });
    await showView(page, 'New run');
    await expect(page.getByRole('form', { name: 'Queue a run by path' })).toHaveCount(0);
    await expect(page.getByText('Queue a run by path')).toHaveCount(0);
  } finally {
    await app.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
