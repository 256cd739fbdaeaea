import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { E2E_DIST } from '../test/support/paths.ts';
import { startEmbeddedDav } from '../test/support/embeddedDav.ts';
import { freePort } from '../test/support/freePort.ts';
import { hashTree } from '../test/support/hashTree.ts';
import { startNginxDav } from '../test/support/nginxDav.ts';
import { startNginxRecipe } from '../test/support/nginxRecipe.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { addRunFromFolder, openApp, showView } from './fixtures/queuePage.ts';
import { expect, test } from './fixtures/test.ts';

// The nginx recipe with the NAS on another origin than the app: the recipe's NAS origin goes into its
// connect-src, so a NAS that answers CORS works; Test connection tells a NAS without CORS from one the
// app's own policy does not let it reach.

async function tryNas(page: Page, nasUrl: string) {
  await showView(page, 'Settings');
  const form = page.getByRole('form', { name: 'Settings' });
  await form.getByLabel('NAS URL (WebDAV folder)', { exact: true }).fill(nasUrl);
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByRole('status')).toHaveText('Settings saved');
  await form.getByRole('button', { name: 'Test connection' }).click();
  return form.getByTestId('diagnosis');
}

test('the recipe with a NAS on another origin that answers CORS: Test connection is ok and a run is VERIFIED', async ({ page }) => {
  test.setTimeout(120_000);
  const work = mkdtempSync(join(tmpdir(), 'exlab-cors-'));
  const appPort = await freePort();
  const nas = await startNginxDav(join(work, 'nas'), { corsOrigin: `http://127.0.0.1:${appPort}` });
  const recipe = await startNginxRecipe(E2E_DIST, nas.origin, join(work, 'recipe'), appPort);
  try {
    await openApp(page, `${recipe.origin}/`);
    await expect(await tryNas(page, `${nas.origin}/dav/`)).toHaveAttribute('data-code', 'ok');
    const folder = join(work, 'run');
    mkdirSync(folder);
    makeRunFolder(folder, { bigFiles: [{ name: 'raw/frames.bin', mb: 3 }] });
    await addRunFromFolder(page, 'hplc-01', 'cross-origin run', folder);
    const job = page.getByTestId('job').first();
    await expect(job).toHaveAttribute('data-state', 'verified', { timeout: 60_000 });
    const nasPath = (await job.getByTestId('job-nas-path').textContent())!;
    const onNas = hashTree(join(nas.davRoot, nasPath));
    onNas.delete('manifest-sha256.txt');
    onNas.delete('.exlab-claim.json');
    expect(onNas).toEqual(hashTree(folder));
    // Straight to the NAS, not through the recipe's /dav/.
    expect(nas.requests().filter((line) => line.startsWith('PUT ')).length).toBeGreaterThan(0);
  } finally {
    await recipe.stop();
    await nas.stop();
    rmSync(work, { recursive: true, force: true });
  }
});

test('the recipe: a NAS on its origin without CORS is named CORS; a NAS on an origin its connect-src lacks is named the policy', async ({
  page,
}) => {
  const work = mkdtempSync(join(tmpdir(), 'exlab-csp-'));
  const nas = await startEmbeddedDav({ root: join(work, 'nas') });
  const elsewhere = await startEmbeddedDav({ root: join(work, 'elsewhere') });
  const recipe = await startNginxRecipe(E2E_DIST, nas.origin, join(work, 'recipe'));
  try {
    await openApp(page, `${recipe.origin}/`);
    const cors = await tryNas(page, `${nas.origin}/dav/`);
    await expect(cors).toHaveAttribute('data-code', 'cors');
    await expect(cors).toContainText('Access-Control-Allow-Origin');

    const blocked = await tryNas(page, `${elsewhere.origin}/dav/`);
    await expect(blocked).toHaveAttribute('data-code', 'blocked-by-policy');
    await expect(blocked).toContainText(`Content-Security-Policy (connect-src) does not allow connections to ${elsewhere.origin}`);

    // Back on the app's own /dav/, all is well.
    await expect(await tryNas(page, `${recipe.origin}/dav/`)).toHaveAttribute('data-code', 'ok');
  } finally {
    await recipe.stop();
    await elsewhere.stop();
    await nas.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
