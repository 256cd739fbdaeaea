import { resolve } from 'node:path';
import type { PipePage } from '../../test/support/pipeChromium.ts';

// One run through the app as a technician does it: the New run form, a folder picked, Queue run; then
// syncing is switched on and the run goes to the NAS and is verified (checksums read back). Driven over
// Chromium's DevTools pipe with nothing attached to the app's worker (test/support/pipeChromium.ts), as a
// tablet runs it: under Playwright, DevTools' Network agent recorded every request of the page and the
// worker, and its driver (a Node process) took about a third of a core on the 2-core bench machine
// while 2,000 small files were sent, CPU the app then did not have and curl and rclone never paid.

export interface PhaseTimes {
  /** Copying into the device (OPFS) while hashing; the references have no such phase. */
  intakeMs: number;
  uploadMs: number;
  verifyMs: number;
}

export const wholeMs = (t: { intakeMs?: number; uploadMs: number; verifyMs: number }) => (t.intakeMs ?? 0) + t.uploadMs + t.verifyMs;

const FORM = 'form[aria-label="New run"]';

/** Run `api` code in the page (`body` is an async function body; `api` and `arg` are in scope). */
export const inPipePage = <T>(page: PipePage, body: string, arg: unknown) =>
  page.evaluate<T>(`(async () => { const api = globalThis.exlabApi; const arg = ${JSON.stringify(arg)}; ${body} })()`);

/** Resolves once `condition` (an expression in the page) is true, looked at every `everyMs`. */
export async function until(page: PipePage, condition: string, what: string, timeoutMs = 900_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(condition))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Open the app (`page` is at its URL) and wait until this tab owns the queue, with syncing paused. */
export async function openApp(page: PipePage): Promise<void> {
  await until(page, `document.querySelector('[data-testid=ownership]')?.dataset.status === 'owner'`, 'the app to own its queue', 60_000);
  await inPipePage(page, `await api.updateSettings({ paused: true, retentionHours: 1, verifyMode: 'checksum' }); return 0;`, null);
}

/**
 * Queue `dir` as the run `name` through the New run form, as a technician does; resolves with the time from
 * the click on Queue run to the page saying it is queued (the intake), looked at every 20 ms.
 */
export async function queueRun(page: PipePage, dir: string, name: string, timeoutMs?: number): Promise<number> {
  await page.evaluate(`location.hash = '#/new'`);
  await until(page, `!!document.querySelector('${FORM} [data-testid=pick-folder]')`, 'the New run form');
  // A folder goes by path: the browser reads the files from disk, as it does for a technician's pick.
  await page.setInputFiles(`${FORM} [data-testid=pick-folder]`, [resolve(dir)]);
  await until(page, `!!document.querySelector('${FORM} [data-testid=picked-summary]')`, 'the picked folder');
  await page.evaluate(`(() => {
    const form = document.querySelector('${FORM}');
    for (const [field, value] of [['equipmentId', 'bench'], ['runName', ${JSON.stringify(name)}]]) {
      const input = form.querySelector('[name=' + field + ']');
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
  })()`);
  const t0 = Date.now();
  await page.evaluate(`document.querySelector('${FORM} button[type=submit]').click()`);
  await until(
    page,
    `document.querySelector('${FORM}').textContent.includes(${JSON.stringify(`Queued ${name}`)})`,
    `${name} to be queued`,
    timeoutMs,
    20,
  );
  const intakeMs = Date.now() - t0;
  // Watch it as a technician would: the Queue view, with its progress bar.
  await page.evaluate(`location.hash = '#/queue'`);
  return intakeMs;
}

/**
 * Queue `dir` as a run (syncing paused, so intake is timed alone), switch syncing on, and time each
 * phase from the job's own history (milliseconds); throws when the run fails.
 */
export async function syncRun(page: PipePage, dir: string, name: string): Promise<PhaseTimes> {
  const intakeMs = await queueRun(page, dir, name);
  const jobId = await inPipePage<string>(page, FIND_QUEUED_RUN, name);
  await inPipePage(page, `await api.updateSettings({ paused: false }); return 0;`, null);
  const events = await inPipePage<JobEvent[]>(page, UNTIL_VERIFIED, jobId);
  await inPipePage(page, `await api.updateSettings({ paused: true }); return 0;`, null);
  return { intakeMs, ...phasesFromHistory(name, events) };
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
