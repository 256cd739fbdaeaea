import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { inPage } from './inPage.ts';

// One run through the app as a technician does it: the New run form, a folder picked, Queue run; then
// syncing is switched on and the run goes to the NAS and is verified (checksums read back).

export interface PhaseTimes {
  /** Copying into the device (OPFS) while hashing; the references have no such phase. */
  intakeMs: number;
  uploadMs: number;
  verifyMs: number;
}

export const wholeMs = (t: { intakeMs?: number; uploadMs: number; verifyMs: number }) => (t.intakeMs ?? 0) + t.uploadMs + t.verifyMs;

/** Open the app at `url` and wait until this tab owns the queue, with syncing paused. */
export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('[data-testid=ownership][data-status=owner]');
  await inPage(page, `await api.updateSettings({ paused: true, retentionHours: 1, verifyMode: 'checksum' }); return 0;`, null);
}

/**
 * Queue `folder` as a run (syncing paused, so intake is timed alone), switch syncing on, and time each
 * phase from the job's own history (milliseconds); throws when the run fails.
 */
export async function syncRun(page: Page, folder: string, runName: string): Promise<PhaseTimes> {
  await page.getByRole('link', { name: 'New run' }).click();
  const form = page.getByRole('form', { name: 'New run' });
  // A folder goes by path; a single file over 50 MB would be copied through the CDP connection.
  await form.getByTestId('pick-folder').setInputFiles(resolve(folder));
  await form.getByTestId('picked-summary').waitFor();
  await form.getByLabel('Equipment id').fill('bench');
  await form.getByLabel('Run name').fill(runName);
  const t0 = Date.now();
  await form.getByRole('button', { name: 'Queue run' }).click();
  await page.getByText(`Queued ${runName}`).waitFor({ timeout: 900_000 });
  const intakeMs = Date.now() - t0;
  // Watch it as a technician would: the Queue view, with its progress bar.
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  const jobId = (await inPage(page, FIND_QUEUED_RUN, runName)) as string;
  await inPage(page, `await api.updateSettings({ paused: false }); return 0;`, null);
  const events = (await inPage(page, UNTIL_VERIFIED, jobId)) as JobEvent[];
  await inPage(page, `await api.updateSettings({ paused: true }); return 0;`, null);
  return { intakeMs, ...phasesFromHistory(runName, events) };
}

export interface JobEvent {
  kind: string;
  at: string;
  detail: string | null;
}

/** In the page (api, arg = the run's name): the id of the QUEUED job of that run. */
export const FIND_QUEUED_RUN = `
  let after = null;
  do {
    const r = await api.list({ state: 'queued', after, limit: 500 });
    const job = r.value.jobs.find((j) => j.nas_path && j.nas_path.endsWith('/' + arg));
    if (job) return job.id;
    after = r.value.next;
  } while (after);
  throw new Error('the benchmark run was not queued');`;

/** In the page (api, arg = a job id): its history, once it is verified or failed. */
export const UNTIL_VERIFIED = `
  for (;;) {
    const h = (await api.history(arg)).value;
    if (h.some((e) => e.kind === 'verified' || e.kind === 'failed' || e.kind === 'stopped')) return h;
    await new Promise((r) => setTimeout(r, 100));
  }`;

/** Upload and verify times from a verified job's history (milliseconds); throws when it did not verify. */
export function phasesFromHistory(runName: string, events: JobEvent[]): { uploadMs: number; verifyMs: number } {
  if (!events.some((e) => e.kind === 'verified')) throw new Error(`${runName} did not verify: ${JSON.stringify(events.slice(-3))}`);
  const at = (kind: string) => Date.parse(events.find((e) => e.kind === kind)?.at ?? 'x');
  return { uploadMs: at('uploaded') - at('upload-started'), verifyMs: at('verified') - at('uploaded') };
}
