import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectAccessible } from './fixtures/axe.ts';
import { openApp, showView } from './fixtures/queuePage.ts';
import { expect, test } from './fixtures/test.ts';

// The share target takes a POST of files from anywhere (Android's share sheet, but also any web page
// that submits a form to it). It may only pre-fill New run: nothing is stored or queued until the
// technician looks at the files and presses "Queue run".

/** A page on another site (localhost is not 127.0.0.1's site) that posts two files to the app's share target. */
function attackerPage(appOrigin: string): string {
  return `<!doctype html><title>elsewhere</title><body><script>
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = ${JSON.stringify(`${appOrigin}/share-target`)};
    form.enctype = 'multipart/form-data';
    const input = document.createElement('input');
    input.type = 'file';
    input.name = 'files';
    input.multiple = true;
    const dt = new DataTransfer();
    dt.items.add(new File(['not a run\\n'], 'planted.csv', { type: 'text/csv' }));
    dt.items.add(new File(['<h1>from elsewhere</h1>'], 'planted.html', { type: 'text/html' }));
    input.files = dt.files;
    form.append(input);
    document.body.append(form);
    form.submit();
  </script>`;
}

test('a cross-site POST to the share target pre-fills New run and queues nothing', async ({ page, baseURL }) => {
  const appOrigin = new URL(baseURL!).origin;
  const site = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(attackerPage(appOrigin)));
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const sitePort = (site.address() as AddressInfo).port;
  try {
    await openApp(page, '/');
    // The share target is the service worker's: it must be in charge of the app's pages first.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise<void>((r) => navigator.serviceWorker.addEventListener('controllerchange', () => r(), { once: true }));
      }
    });

    await page.goto(`http://localhost:${sitePort}/`);
    await page.waitForURL((url) => url.origin === appOrigin);
    await expect(page.getByTestId('ownership')).toHaveAttribute('data-status', 'owner');
    const form = page.getByRole('form', { name: 'New run' });
    await expect(form.getByTestId('picked-file')).toHaveText(['planted.csv', 'planted.html']);
    await expect(form.getByTestId('handed-over')).toContainText('nothing is queued until you press Queue run');
    await expect(form.getByRole('button', { name: 'Queue run' })).toBeEnabled();
    await expectAccessible(page, 'New run with files handed over');

    // Pre-filled, and that is all: no job, no run's files kept on the device.
    const stored = await page.evaluate(async () => {
      const api = (globalThis as any).exlabApi;
      const counts = (await api.counts()).value as Record<string, number>;
      const root = await navigator.storage.getDirectory();
      const runs = await root.getDirectoryHandle('runs', { create: true });
      let runFolders = 0;
      for await (const _ of (runs as any).keys()) runFolders++;
      return { jobs: Object.values(counts).reduce((a, b) => a + b, 0), runFolders };
    });
    expect(stored).toEqual({ jobs: 0, runFolders: 0 });
    await showView(page, 'Queue');
    await expect(page.getByTestId('job')).toHaveCount(0);
  } finally {
    await new Promise((resolve) => site.close(resolve));
  }
});
