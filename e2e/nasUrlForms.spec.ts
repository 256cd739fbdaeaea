import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { E2E_DIST } from '../test/support/paths.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/chromiumFlags.ts';
import { startEmbeddedDav } from '../test/support/embeddedDav.ts';
import { freePort } from '../test/support/freePort.ts';
import { hashTree } from '../test/support/hashTree.ts';
import { startNginxRecipe } from '../test/support/nginxRecipe.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { expectAccessible } from './fixtures/axe.ts';
import { addRunFromFolder, jobRowByName, openApp, showView } from './fixtures/queuePage.ts';
import { expect, test } from './fixtures/test.ts';

// A NAS URL typed as people type it: an upper-case host, the default port written out, a space or an
// accented letter in the path. The browser reports a PUT's URL in its own form; before, the engine
// compared it with the text as typed and took every upload for a redirect. Each form must save, pass
// Test connection, and carry a run to VERIFIED through XHR (a file over 1 MB goes by XHR).
//
// The app is served as a lab serves it, on a name on port 80 (http://nas.lab.local/), by the nginx
// recipe; Chromium maps that name and port to the recipe's loopback port, and is told to treat the
// origin as secure (OPFS needs a secure context; a lab uses https for that).

const HOST = 'nas.lab.local';
const FORMS = [
  { label: 'an upper-case host', typed: `http://NAS.LAB.LOCAL/dav/`, stored: `http://${HOST}/dav/`, folder: null },
  { label: 'the default port written out', typed: `http://${HOST}:80/dav/`, stored: `http://${HOST}/dav/`, folder: null },
  { label: 'a space in the path', typed: `http://${HOST}/dav/run data/`, stored: `http://${HOST}/dav/run%20data/`, folder: 'run data' },
  { label: 'an é in the path', typed: `http://${HOST}/dav/mesures-é/`, stored: `http://${HOST}/dav/mesures-%C3%A9/`, folder: 'mesures-é' },
];

test("NAS URLs in any form: each saves in the browser's form, Test connection is ok, and a run is VERIFIED over XHR", async () => {
  test.setTimeout(240_000);
  const work = mkdtempSync(join(tmpdir(), 'exlab-urlforms-'));
  const davRoot = join(work, 'nas');
  for (const f of FORMS) if (f.folder) mkdirSync(join(davRoot, f.folder), { recursive: true });
  const dav = await startEmbeddedDav({ root: davRoot });
  const port = await freePort();
  const recipe = await startNginxRecipe(E2E_DIST, dav.origin, join(work, 'recipe'), port);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      ...CHROMIUM_ARGS,
      `--host-resolver-rules=MAP ${HOST}:80 127.0.0.1:${port}`,
      `--unsafely-treat-insecure-origin-as-secure=http://${HOST}`,
    ],
  });
  try {
    const page = await (await browser.newContext()).newPage();
    await openApp(page, `http://${HOST}/`);
    const form = page.getByRole('form', { name: 'Settings' });
    for (const [i, f] of FORMS.entries()) {
      await showView(page, 'Settings');
      await form.getByLabel('NAS URL (WebDAV folder)', { exact: true }).fill(f.typed);
      await form.getByRole('button', { name: 'Save settings' }).click();
      await expect(form.getByRole('status')).toHaveText('Settings saved');
      await form.getByRole('button', { name: 'Test connection' }).click();
      await expect(form.getByTestId('diagnosis'), f.label).toHaveAttribute('data-code', 'ok');

      const folder = join(work, `run-${i}`);
      mkdirSync(folder);
      makeRunFolder(folder, { names: ['plate 1.csv', 'notes/é.txt'], bigFiles: [{ name: 'raw/frames.bin', mb: 2 }] });
      const runName = `url form ${i}`;
      await addRunFromFolder(page, 'hplc-01', runName, folder);
      const row = jobRowByName(page, runName);
      await expect(row, f.label).toHaveAttribute('data-state', 'verified', { timeout: 60_000 });
      const nasPath = (await row.getByTestId('job-nas-path').textContent())!;
      const onNas = hashTree(join(davRoot, f.folder ?? '', nasPath));
      onNas.delete('manifest-sha256.txt');
      onNas.delete('.exlab-claim.json');
      expect(onNas, f.label).toEqual(hashTree(folder));

      // Stored as the browser writes it; http:// to a machine on the network is said to be unencrypted.
      await showView(page, 'Settings');
      await expect(form.getByLabel('NAS URL (WebDAV folder)', { exact: true }), f.label).toHaveValue(f.stored);
      await expect(form.getByTestId('unencrypted-warning')).toBeVisible();
      await expect(page.getByTestId('unencrypted-status')).toBeVisible();
      if (i === 0) await expectAccessible(page, 'Settings with the "not encrypted" warning');
    }
  } finally {
    await browser.close();
    await recipe.stop();
    await dav.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
