import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { readDavLog } from '../test/support/davLog.ts';
import { launchChromium, type RealChromium } from '../test/support/launchChromium.ts';
import { E2E_NAS_LOG, E2E_NAS_ROOT } from '../test/support/paths.ts';
import { makeRunFolder } from '../test/support/sampleRun.ts';
import { addRunFromFolder, jobRowByName, openApp, openJob } from './fixtures/queuePage.ts';
import { assertNoEarlyLocalDeletes, expect, test } from './fixtures/test.ts';

// Issue #12: "Stop syncing this run" pressed on the Job page while a 200 MB file is on its way to the NAS.
// Before, the upload carried on, its next state move was refused, the refusal was recorded as a failure
// and the run went back to QUEUED, to be sent again 30 s later. Now it stays FAILED with the operator's
// reason, and the NAS (the embedded server's own request log) gets no further PUT or MOVE for it.

const REASON = 'wrong plate loaded, run is worthless';
let profile = '';
let browser: RealChromium | null = null;

test.beforeEach(() => {
  profile = mkdtempSync(join(tmpdir(), 'exlab-stop-'));
});
test.afterEach(async () => {
  await browser?.close();
  browser = null;
  rmSync(profile, { recursive: true, force: true });
});

async function api<T>(page: Page, fn: string): Promise<T> {
  return page.evaluate(`(async (api) => { ${fn} })(globalThis.exlabApi)`) as Promise<T>;
}

interface Job {
  id: string;
  state: string;
  nas_path: string;
  attempts: number;
  last_error: string | null;
}

test('Stop syncing during a 200 MB upload: FAILED with the reason a minute later, and no further PUT or MOVE for it reaches the NAS', async ({
  baseURL,
}) => {
  test.setTimeout(300_000);
  const folder = join('.tmp', 'runs', 'stop-syncing');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  makeRunFolder(folder, { names: ['notes.txt'], bigFiles: [{ name: 'capture.bin', mb: 200 }] });

  // A real profile: the default context's OPFS quota is too small for 200 MB.
  browser = await launchChromium(profile);
  const page = await browser.context.newPage();
  await openApp(page, baseURL, { paused: true });
  await addRunFromFolder(page, 'ms-07', 'stop run', folder);
  const job = await api<Job>(page, 'return (await api.list({})).value.jobs[0];');
  const bigSeq = await api<number>(
    page,
    `return (await api.files(${JSON.stringify(job.id)})).value.find((f) => f.rel_path === 'capture.bin').seq;`,
  );
  const bigTemp = `.exlab-part-${job.id}-${bigSeq}`;
  const forJob = (path: string) => decodeURIComponent(path).includes(`/${job.nas_path}/`);

  // The technician has the run's page open, with the form to stop it.
  await openJob(page, jobRowByName(page, 'stop run'));
  await page.getByText('Record a failure or stop syncing').click();
  await api(page, 'return api.updateSettings({ paused: false });');
  // The big file is on its way: its PUT has reached the NAS. The small one, sent beside it, is on the NAS
  // under its name: its PUT and MOVE go in another lane at the same time, and under the big body's load its
  // MOVE came 90 ms after the big PUT once, which a Stop pressed at once raced (a MOVE sent before the stop
  // reached the worker, logged after the press).
  const smallMoved = (r: { method: string; line: string }) => r.method === 'MOVE' && r.line.endsWith('/notes.txt');
  await expect
    .poll(
      () => {
        const log = readDavLog(E2E_NAS_LOG);
        return log.some((r) => r.method === 'PUT' && r.path.endsWith(bigTemp)) && log.some((r) => forJob(r.path) && smallMoved(r));
      },
      { timeout: 60_000, intervals: [20] },
    )
    .toBe(true);

  const form = page.getByRole('form', { name: 'Record a failure or stop syncing' });
  await form.getByLabel('What went wrong').fill(REASON);
  const stoppedAt = Date.now();
  await form.getByRole('button', { name: 'Stop syncing this run' }).click();
  // The form goes with the state it applies to; the page shows the run failed, with the reason.
  await expect(page.getByTestId('job-detail')).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId('job-reason')).toContainText(REASON);

  // A minute of watching, on the page and in the queue: the run never leaves FAILED (issue #12 saw it
  // QUEUED again with an IllegalMoveError and sent again 30 s later).
  const watchUntil = Date.now() + 60_000;
  while (Date.now() < watchUntil) {
    await expect(page.getByTestId('job-detail')).toHaveAttribute('data-state', 'failed', { timeout: 1_000 });
    expect((await api<Job>(page, `return (await api.get(${JSON.stringify(job.id)})).value;`)).state).toBe('failed');
  }
  const after = await api<Job>(page, `return (await api.get(${JSON.stringify(job.id)})).value;`);
  expect(after).toMatchObject({ state: 'failed', attempts: 0, last_error: `stopped_by_operator: ${REASON}` });
  const kinds = (await api<{ kind: string }[]>(page, `return (await api.history(${JSON.stringify(job.id)})).value;`)).map((e) => e.kind);
  expect(kinds.at(-1)).toBe('stopped');

  // The NAS's own log: nothing written for the run after the stop, and the big file never reached its
  // name (it was stopped mid-upload, not after).
  const log = readDavLog(E2E_NAS_LOG);
  const writesAfter = log.filter(
    (r) => r.at > stoppedAt && ['PUT', 'MOVE'].includes(r.method) && (forJob(r.path) || r.path.includes(job.id)),
  );
  expect(writesAfter.map((r) => r.line)).toEqual([]);
  expect(log.filter((r) => r.method === 'MOVE' && r.path.includes(bigTemp))).toEqual([]);
  expect(() => statSync(join(E2E_NAS_ROOT, job.nas_path, 'capture.bin'))).toThrow();
  // The run's files stay on the device (checked again by the fixture after the test).
  await assertNoEarlyLocalDeletes(page);
});
