import type { Page } from '@playwright/test';
import { readDavLog } from '../test/support/davLog.ts';
import { E2E_NAS_LOG } from '../test/support/paths.ts';
import { openApp, showView } from './fixtures/queuePage.ts';
import { expect, test } from './fixtures/test.ts';

// The sync window and the pause on a metered connection, set in Settings: the engine waits (the run stays
// QUEUED and nothing of it reaches the NAS) and the status bar says why; lifted, the run syncs.

/** Queue a one-file run through the page's API; its id. */
async function addRun(page: Page, equipmentId: string): Promise<string> {
  const res = await page.evaluate(
    (id) =>
      (globalThis as any).exlabApi.addRun({ equipmentId: id, runName: 'waits', files: [{ relPath: 'a.csv', file: new Blob(['a\n']) }] }),
    equipmentId,
  );
  expect(res.ok).toBe(true);
  return res.value.id;
}

const stateOf = (page: Page, id: string) => page.evaluate(async (jobId) => (await (globalThis as any).exlabApi.get(jobId)).value.state, id);

/** A whole engine turn begun now: it has looked at what blocks it and started what it may. */
const engineTurn = (page: Page) => page.evaluate(() => (globalThis as any).exlabTestHooks.engineTurn());

/** Requests the NAS (the e2e server's own log) got for this equipment's folder. */
const nasRequestsFor = (equipmentId: string) => readDavLog(E2E_NAS_LOG).filter((r) => r.path.includes(`/${equipmentId}/`));

async function saveSettings(page: Page, fill: (form: ReturnType<Page['getByRole']>) => Promise<void>): Promise<void> {
  await showView(page, 'Settings');
  const form = page.getByRole('form', { name: 'Settings' });
  await fill(form);
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByRole('status').filter({ hasText: 'Settings saved' })).toBeVisible();
}

test('outside the sync window the engine waits and says so; a window that holds the hour lets the run sync', async ({ page }) => {
  await openApp(page, '/');
  const hourNow = await page.evaluate(() => new Date().getHours());
  // Two hours that exclude this hour and the next (the test may cross an hour).
  const [from, to] = [(hourNow + 2) % 24, (hourNow + 3) % 24];
  await saveSettings(page, async (form) => {
    await form.getByLabel('Sync only between set hours').check();
    await form.getByLabel('Sync from hour (0–24)').fill(String(from));
    await form.getByLabel('Sync to hour (0–24)').fill(String(to));
  });
  const words = `Waiting for the sync window ${String(from).padStart(2, '0')}:00–${String(to).padStart(2, '0')}:00`;
  await expect(page.getByTestId('engine-waiting')).toHaveText(words);

  const id = await addRun(page, 'win-01');
  await engineTurn(page);
  expect(await stateOf(page, id)).toBe('queued');
  expect((await page.evaluate(() => (globalThis as any).exlabApi.engineStatus())).value.waitingFor).toBe(words);
  expect(nasRequestsFor('win-01')).toEqual([]);
  await expect(page.getByTestId('engine-waiting')).toHaveText(words);

  // A window holding this hour (from the hour before to two after).
  await saveSettings(page, async (form) => {
    await form.getByLabel('Sync from hour (0–24)').fill(String((hourNow + 23) % 24));
    await form.getByLabel('Sync to hour (0–24)').fill(String((hourNow + 2) % 24));
  });
  await expect.poll(() => stateOf(page, id), { timeout: 60_000 }).toBe('verified');
  expect(nasRequestsFor('win-01').some((r) => r.method === 'PUT')).toBe(true);
  await expect(page.getByTestId('engine-waiting')).not.toContainText('sync window');
});

/**
 * A metered connection, as an Android tablet on mobile data reports it: navigator.connection.type
 * "cellular", which the worker reads (worker/main.ts). Desktop Chromium exposes no `type` and its CDP
 * network emulation does not set one, so the worker's script is served with this prelude first, which
 * gives the worker a connection whose type the test sets and which fires "change" as a real one does.
 */
const METERED_PRELUDE = `{
  const connection = new EventTarget();
  connection.type = 'cellular';
  connection.saveData = false;
  Object.defineProperty(WorkerNavigator.prototype, 'connection', { configurable: true, get: () => connection });
  self.__exlabSetConnectionType = (type) => { connection.type = type; connection.dispatchEvent(new Event('change')); };
}
`;

// The prelude goes in through the network: the service worker's cached copy would bypass the route.
test.describe('metered', () => {
  test.use({ serviceWorkers: 'block' });

  test('on a metered connection with the pause set the engine waits and says so; off it, the run syncs', async ({ page }) => {
    await page.route(/\/assets\/main-[^/]*\.js$/, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: METERED_PRELUDE + (await response.text()) });
    });
    await openApp(page, '/');
    await saveSettings(page, (form) => form.getByLabel('Pause syncing on a metered connection (mobile data)').check());
    await expect(page.getByTestId('engine-waiting')).toHaveText('Paused: metered connection');

    const id = await addRun(page, 'metered-01');
    await engineTurn(page);
    expect(await stateOf(page, id)).toBe('queued');
    expect((await page.evaluate(() => (globalThis as any).exlabApi.engineStatus())).value.waitingFor).toBe('Paused: metered connection');
    expect(nasRequestsFor('metered-01')).toEqual([]);

    // Wi-Fi again: the connection's "change" wakes the engine.
    const [worker] = page.workers().filter((w) => /\/assets\/main-/.test(w.url()));
    await worker.evaluate(() => (self as any).__exlabSetConnectionType('wifi'));
    await expect.poll(() => stateOf(page, id), { timeout: 60_000 }).toBe('verified');
    expect(nasRequestsFor('metered-01').some((r) => r.method === 'PUT')).toBe(true);
    await expect(page.getByTestId('engine-waiting')).not.toHaveText('Paused: metered connection');
  });
});
