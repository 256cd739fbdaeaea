import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/test.ts';
import { openApp, showView } from './fixtures/queuePage.ts';
import { launchChromium, type RealChromium } from '../test/support/launchChromium.ts';
import { E2E_NAS_ROOT } from '../test/support/paths.ts';

// Two tablets (two Chromium profiles, each its own OPFS and queue) on one NAS: each writes its state to
// `.exlab-sync/devices/<id>.json`; the Lab view on either lists both with their counts; a tablet that
// stays away is shown as not seen since its last file; a NAS that cannot be read shows the last copy.

const HOUR = 3600_000;
// This lab's own NAS folder: every tablet of every other spec publishes to the shared NAS root, and
// the Lab view lists every device there.
const LAB = `lab-spec-${process.pid}-${Date.now()}`;
const labRoot = join(E2E_NAS_ROOT, LAB);
const deviceFile = (id: string) => JSON.parse(readFileSync(join(labRoot, '.exlab-sync', 'devices', `${id}.json`), 'utf8'));
const fileOrNull = (id: string) => {
  try {
    return deviceFile(id);
  } catch {
    return null;
  }
};

async function addRun(page: Page, runName: string, text: string): Promise<string> {
  const res = await page.evaluate(
    ({ runName, text }) =>
      (globalThis as any).exlabApi.addRun({
        equipmentId: 'plate-reader-3',
        runName,
        files: [{ relPath: 'plate.csv', file: new Blob([text]) }],
      }),
    { runName, text },
  );
  expect(res.ok).toBe(true);
  return res.value.id;
}

/** The tablet syncs to `folder` below the shared NAS root from now on. */
async function useNasFolder(page: Page, folder: string): Promise<void> {
  const moved = await page.evaluate(async (folder) => {
    const api = (globalThis as any).exlabApi;
    return api.updateSettings({ nasUrl: `${(await api.getSettings()).value.nasUrl}${folder}/` });
  }, folder);
  expect(moved.ok).toBe(true);
}

const stateOf = (page: Page, id: string) => page.evaluate(async (jobId) => (await (globalThis as any).exlabApi.get(jobId)).value.state, id);
const deviceId = async (page: Page) => (await page.evaluate(() => (globalThis as any).exlabApi.device())).value.id as string;
const labRow = (page: Page, name: string) =>
  page.getByTestId('lab-device').filter({ has: page.getByTestId('lab-device-name').getByText(name, { exact: false }) });

test('two tablets on one NAS: each publishes, the Lab view on either lists both, one kept away is not seen since its last time', async ({
  baseURL,
}) => {
  test.setTimeout(180_000);
  const profiles = [mkdtempSync(join(tmpdir(), 'exlab-lab-a-')), mkdtempSync(join(tmpdir(), 'exlab-lab-b-'))];
  const browsers: RealChromium[] = [];
  mkdirSync(labRoot, { recursive: true });
  try {
    const pages: Page[] = [];
    for (const profile of profiles) {
      const chromium = await launchChromium(profile);
      browsers.push(chromium);
      const page = await chromium.context.newPage();
      await openApp(page, baseURL, { paused: true });
      await useNasFolder(page, LAB);
      pages.push(page);
    }
    const [a, b] = pages;
    // Tablet A is named in Settings, as a person would; the header shows it.
    await expect(a.getByTestId('device-name')).toHaveText(/^tablet-[a-z]{4}$/);
    await showView(a, 'Settings');
    const nameField = a.getByRole('form', { name: 'Device name' });
    await nameField.getByLabel('Device name').fill('   ');
    await nameField.getByRole('button', { name: 'Save name' }).click();
    await expect(nameField.getByRole('alert')).toHaveText(/^Enter a name for this device/);
    await nameField.getByLabel('Device name').fill('bench tablet A');
    await nameField.getByRole('button', { name: 'Save name' }).click();
    await expect(a.getByTestId('device-name')).toHaveText('bench tablet A');
    expect((await b.evaluate(() => (globalThis as any).exlabApi.setDeviceName('bench tablet B'))).ok).toBe(true);
    const [idA, idB] = [await deviceId(a), await deviceId(b)];
    expect(idA).not.toBe(idB);

    // A: two runs verified on the NAS. B: one failed, one waiting (B stays paused).
    const runsA = [await addRun(a, 'plate 1', 'a'.repeat(1000)), await addRun(a, 'plate 2', 'b'.repeat(3000))];
    await a.evaluate(() => (globalThis as any).exlabApi.updateSettings({ paused: false }));
    for (const id of runsA) await expect.poll(() => stateOf(a, id), { timeout: 60_000 }).toBe('verified');
    const failed = await addRun(b, 'plate 9', 'c'.repeat(500));
    await addRun(b, 'plate 10', 'd'.repeat(700));
    await b.evaluate((id) => (globalThis as any).exlabApi.recordFailure(id, { error: 'auth: PUT answered 401', terminal: true }), failed);

    // The claim of A's run and its history name the device.
    const jobA = (await a.evaluate((id) => (globalThis as any).exlabApi.get(id), runsA[0])).value;
    const claim = JSON.parse(readFileSync(join(labRoot, jobA.nas_path, '.exlab-claim.json'), 'utf8'));
    expect(claim).toMatchObject({ device: 'bench tablet A', deviceId: idA });
    const history = (await a.evaluate((id) => (globalThis as any).exlabApi.history(id), runsA[0])).value;
    expect(history.find((e: { kind: string }) => e.kind === 'upload-started').detail).toBe(`from device "bench tablet A" (${idA})`);

    // Each publishes by itself, a moment after its change.
    await expect.poll(() => fileOrNull(idA)?.states.verified.runs, { timeout: 30_000 }).toBe(2);
    await expect.poll(() => fileOrNull(idB)?.states.failed.runs, { timeout: 30_000 }).toBe(1);
    expect(deviceFile(idA)).toMatchObject({
      deviceName: 'bench tablet A',
      states: { verified: { runs: 2, bytes: 4000 } },
      failed: { total: 0 },
    });
    expect(deviceFile(idB)).toMatchObject({
      deviceName: 'bench tablet B',
      states: { queued: { runs: 1, bytes: 700 }, failed: { runs: 1, bytes: 500 } },
      failed: { total: 1, runs: [{ runName: 'plate 9', error: 'auth: PUT answered 401' }] },
    });

    // The Lab view on either lists both, B (a failure) first.
    for (const page of [a, b]) {
      await showView(page, 'Lab');
      await expect(page.getByTestId('lab-device')).toHaveCount(2);
      await expect(page.getByTestId('lab-device-name')).toHaveText([/^bench tablet B/, /^bench tablet A/]);
      await expect(labRow(page, 'bench tablet A').getByTestId('lab-state-verified')).toHaveText('2 runs, 4.0 KB');
      await expect(labRow(page, 'bench tablet B').getByTestId('lab-state-failed')).toHaveText('1 run, 500 B');
      await expect(labRow(page, 'bench tablet B').getByTestId('lab-state-queued')).toHaveText('1 run, 700 B');
      await expect(labRow(page, 'bench tablet B').locator('[data-attention=failures]')).toHaveText(/^1 run failed/);
      await expect(page.getByTestId('lab-source')).toHaveAttribute('data-stale', 'false');
    }
    await expect(labRow(a, 'bench tablet A')).toContainText('This device');
    await expect(labRow(b, 'bench tablet B')).toContainText('This device');

    // B goes away (closed); a day and an hour later A reads the folder: B is not seen since its last file,
    // and its waiting runs are now more than a day old.
    const lastOfB = deviceFile(idB).writtenAt as string;
    await browsers[1].close();
    await a.evaluate((ms) => (globalThis as any).exlabTestHooks.shiftClock(ms), 25 * HOUR);
    await a.getByRole('button', { name: 'Read again' }).click();
    const rowB = labRow(a, 'bench tablet B');
    await expect(rowB).toHaveAttribute('data-attention', 'unsynced-old failures not-seen');
    await expect(rowB.locator('[data-attention=not-seen]')).toHaveText(/^Not seen since .*\(25 h ago\)$/);
    expect(deviceFile(idB).writtenAt).toBe(lastOfB);
    // A wrote its own file again, stamped with its clock, and is seen.
    await expect(labRow(a, 'bench tablet A')).toHaveAttribute('data-attention', '');
    expect(Date.parse(deviceFile(idA).writtenAt) - Date.parse(lastOfB)).toBeGreaterThan(25 * HOUR - 60_000);

    // The NAS cannot be read: the last copy is shown, and how old it is.
    await a.evaluate(() => (globalThis as any).exlabApi.updateSettings({ nasUrl: 'http://127.0.0.1:9/dav/' }));
    await a.evaluate((ms) => (globalThis as any).exlabTestHooks.shiftClock(ms), 2 * HOUR);
    await a.getByRole('button', { name: 'Read again' }).click();
    await expect(a.getByTestId('lab-source')).toHaveAttribute('data-stale', 'true');
    await expect(a.getByTestId('lab-source')).toContainText(/The NAS could not be read .* Shown: the copy read 2 h ago/);
    await expect(a.getByTestId('lab-device')).toHaveCount(2);
    await expect(labRow(a, 'bench tablet B').locator('[data-attention=not-seen]')).toHaveText(/\(27 h ago\)$/);
  } finally {
    for (const b of browsers) await b.close().catch(() => undefined);
    for (const p of profiles) rmSync(p, { recursive: true, force: true });
    rmSync(labRoot, { recursive: true, force: true });
  }
});

test("another tablet's file where this device's own should be (a copied browser profile): it is not replaced, and the Lab view says why", async ({
  page,
  baseURL,
}) => {
  const folder = `${LAB}-same-id`;
  const root = join(E2E_NAS_ROOT, folder);
  mkdirSync(root, { recursive: true });
  try {
    await openApp(page, baseURL, { paused: true });
    await useNasFolder(page, folder);
    const id = await deviceId(page);
    const file = join(root, '.exlab-sync', 'devices', `${id}.json`);
    await showView(page, 'Lab');
    await expect(page.getByTestId('lab-device')).toHaveCount(1);
    expect(JSON.parse(readFileSync(file, 'utf8')).deviceId).toBe(id);
    await expect(page.getByTestId('lab-own-file-problem')).toHaveCount(0);

    // A second tablet with this device's id writes its own file there.
    const theirs = `${JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), deviceName: 'copied tablet' }, null, 2)}\n`;
    writeFileSync(file, theirs);
    await page.getByRole('button', { name: 'Read again' }).click();
    await expect(page.getByTestId('lab-own-file-problem')).toHaveText(
      /^This device's state could not be written to the NAS: .*written by another device .*two devices share this device's id.*install the app afresh on one of them/,
    );
    expect(readFileSync(file, 'utf8')).toBe(theirs);
    await expect(page.getByTestId('lab-device-name')).toHaveText(/^copied tablet/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
