import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { E2E_DIST } from '../test/support/paths.ts';
import { startApacheDav } from '../test/support/apacheDav.ts';
import { startEmbeddedDav } from '../test/support/embeddedDav.ts';
import { startNginxRecipe } from '../test/support/nginxRecipe.ts';
import { openApp } from './fixtures/queuePage.ts';
import { expect, test } from './fixtures/test.ts';

// An instrument's HTML report with its script, on the NAS, opened at its /dav/ address on the app's
// origin: it must not run as the app. The report's script tries what an attacker's would (read the
// app's localStorage and OPFS, where the queue's database is) and says what it got in the page title.

const REPORT_HTML = `<!doctype html><html><head><title>report</title><script src="report.js"></script></head>
<body><p>Instrument report</p></body></html>`;
const REPORT_JS = `(async () => {
  let got = 'nothing';
  try {
    const root = await navigator.storage.getDirectory();
    const names = [];
    for await (const name of root.keys()) names.push(name);
    got = 'ls=' + localStorage.getItem('exlab-probe') + ' opfs=' + names.join(',');
  } catch (e) {
    got = 'refused: ' + e.name;
  }
  document.title = 'ran: ' + got;
})();`;

async function uploadReport(appOrigin: string): Promise<string> {
  const folder = `${appOrigin}/dav/reports-${Date.now()}/`;
  expect((await fetch(folder, { method: 'MKCOL' })).status).toBe(201);
  for (const [name, body] of [
    ['report.html', REPORT_HTML],
    ['report.js', REPORT_JS],
  ]) {
    expect((await fetch(`${folder}${name}`, { method: 'PUT', body })).status).toBeLessThan(300);
  }
  return `${folder}report.html`;
}

async function reportCannotActAsTheApp(page: Page, appOrigin: string): Promise<void> {
  await openApp(page, `${appOrigin}/`);
  await page.evaluate(() => localStorage.setItem('exlab-probe', 'app-secret-31'));
  const report = await uploadReport(appOrigin);

  // 1. Opened as a technician would (a link, the address bar): the browser saves it and shows nothing,
  //    where before the report ran as the app and its title showed what it had read.
  const tab = await page.context().newPage();
  const never = new Promise<string>(() => undefined);
  const saved = tab.waitForEvent('download').then(
    (d) => `saved ${d.suggestedFilename()}`,
    () => never,
  );
  const ran = tab
    .waitForURL(report)
    .then(async () => {
      await expect.poll(() => tab.title()).toMatch(/^ran: /);
      return tab.title();
    })
    .catch(() => never);
  await tab.goto(report).catch(() => null);
  expect(await Promise.race([saved, ran])).toBe('saved report.html');
  expect(tab.url()).not.toBe(report);

  // 2. Even in a browser that would show it anyway (the test takes Content-Disposition off the real
  //    answer, nothing else), the sandbox holds: no script runs, the page has no origin to read from.
  await tab.route(report, async (route) => {
    const response = await route.fetch();
    const { 'content-disposition': _shownAnyway, ...headers } = response.headers();
    await route.fulfill({ response, headers });
  });
  await tab.goto(report);
  await expect(tab.getByText('Instrument report')).toBeVisible();
  expect(await tab.title()).toBe('report'); // the report's script never ran
  const tried = await tab.evaluate(async () => {
    const attempt = async (what: () => unknown) => {
      try {
        return `read: ${String(await what())}`;
      } catch (e) {
        return `refused: ${(e as Error).name}`;
      }
    };
    return {
      origin: self.origin,
      localStorage: await attempt(() => localStorage.getItem('exlab-probe')),
      opfs: await attempt(() => navigator.storage.getDirectory()),
    };
  });
  expect(tried).toEqual({ origin: 'null', localStorage: 'refused: SecurityError', opfs: 'refused: SecurityError' });
  await tab.close();
  // The app itself still has its own.
  expect(await page.evaluate(() => localStorage.getItem('exlab-probe'))).toBe('app-secret-31');

  // Every answer from /dav/ says: not the app's, not to be shown, not to be guessed at.
  for (const url of [report, report.replace('report.html', 'report.js'), `${appOrigin}/dav/no-such-file.html`]) {
    const headers = (await page.request.get(url)).headers();
    expect(headers['content-security-policy'], url).toBe('sandbox');
    expect(headers['content-disposition'], url).toBe('attachment');
    expect(headers['x-content-type-options'], url).toBe('nosniff');
  }
}

test("npm start: an HTML report with its script, opened at its /dav/ address, cannot read the app's OPFS or localStorage", async ({
  page,
  baseURL,
}) => {
  await reportCannotActAsTheApp(page, new URL(baseURL!).origin);
});

test("the nginx recipe: an HTML report with its script, opened at its /dav/ address, cannot read the app's OPFS or localStorage", async ({
  page,
}) => {
  const work = mkdtempSync(join(tmpdir(), 'exlab-sandbox-'));
  const dav = await startEmbeddedDav({ root: join(work, 'nas') });
  const nginx = await startNginxRecipe(E2E_DIST, dav.origin, join(work, 'nginx'));
  try {
    await reportCannotActAsTheApp(page, nginx.origin);
  } finally {
    await nginx.stop();
    await dav.stop();
    rmSync(work, { recursive: true, force: true });
  }
});

test("Apache as the README configures it: an HTML report with its script, opened at its /dav/ address, cannot read the app's OPFS or localStorage", async ({
  page,
}) => {
  const apache = await startApacheDav(E2E_DIST, '.tmp/apache-sandbox');
  try {
    await reportCannotActAsTheApp(page, apache.origin);
  } finally {
    await apache.stop();
    rmSync('.tmp/apache-sandbox', { recursive: true, force: true });
  }
});
