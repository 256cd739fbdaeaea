import { type PipePage, openPipePage } from '../../test/support/pipeChromium.ts';

// One run through the app as a technician does it: the New run form, a folder picked, Queue run; then
// syncing is switched on and the run goes to the NAS and is verified (checksums read back). Chromium is
// driven over its DevTools pipe with no DevTools agent on the app's worker (pipeChromium.ts): Playwright
// turns the Network agent on in every worker, and on the same day and path the 2,000-file run uploaded in
// 19.1 s and verified in 7.4 s under it, against 12.3 s and 4.2 s without. A tablet has no agent attached.

export interface PhaseTimes {
  /** Copying into the device (OPFS) while hashing; the references have no such phase. */
  intakeMs: number;
  uploadMs: number;
  verifyMs: number;
}

export const wholeMs = (t: { intakeMs?: number; uploadMs: number; verifyMs: number }) => (t.intakeMs ?? 0) + t.uploadMs + t.verifyMs;

const FORM = 'form[aria-label="New run"]';

/** Run `api` code in the page (`api` and `arg` in scope). */
export const inPipePage = <T>(page: PipePage, body: string, arg: unknown) =>
  page.evaluate<T>(`(async () => { const api = globalThis.exlabApi; const arg = ${JSON.stringify(arg)}; ${body} })()`);

/** Wait until `condition` (an expression in the page) holds, looking every `everyMs`. */
export async function until(page: PipePage, condition: string, what: string, timeoutMs = 900_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(condition))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Open the app at `url` in a browser of its own on `profileDir`, once this tab owns the queue, with syncing paused. */
export async function openApp(profileDir: string, url: string): Promise<PipePage> {
  const page = await openPipePage(profileDir, url);
  try {
    await until(page, `document.querySelector('[data-testid=ownership]')?.dataset.status === 'owner'`, 'the app to own its queue', 60_000);
    await inPipePage(page, `await api.updateSettings({ paused: true, retentionHours: 1, verifyMode: 'checksum' }); return 0;`, null);
    return page;
  } catch (err) {
    await page.close();
    throw err;
  }
}

/**
 * Queue `dir` as the run `name` through the New run form, as a technician does; resolves with the time
 * from Queue run to "Queued" (intake: copied into the device and hashed), looked for every 20 ms.
 */
export async function queueRun(page: PipePage, dir: string, name: string, timeoutMs?: number): Promise<number> {
  await page.evaluate(`location.hash = '#/new'`);
  await until(page, `!!document.querySelector('${FORM} [data-testid=pick-folder]')`, 'the New run form');
  await page.setInputFiles(`${FORM} [data-testid=pick-folder]`, [dir]);
  await until(page, `!!document.querySelector('${FORM} [data-testid=picked-summary]')`, 'the picked folder');
  const t0 = Date.now();
  await page.evaluate(`(() => {
    const form = document.querySelector('${FORM}');
    for (const [field, value] of [['equipmentId', 'bench'], ['runName', ${JSON.stringify(name)}]]) {
      const input = form.querySelector('[name=' + field + ']');
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    form.querySelector('button[type=submit]').click();
  })()`);
  // Queued, or refused: a refusal (intake that stopped, a full device) ends the bench with its words.
  const refusal = `document.querySelector('${FORM} [role=alert]')?.textContent`;
  await until(
    page,
    `document.querySelector('${FORM}').textContent.includes(${JSON.stringify(`Queued ${name}`)}) || !!(${refusal})`,
    `${name} to be queued`,
    timeoutMs,
    20,
  );
  const intakeMs = Date.now() - t0;
  const refused = await page.evaluate<string | undefined>(refusal);
  if (refused) throw new Error(`${name} was not queued: ${refused}`);
  // Watch it as a technician would: the Queue view, with its progress bar.
  await page.evaluate(`location.hash = '#/queue'`);
  return intakeMs;
}

/** Sync the run queued as `name` (syncing switched on for it, off after) and time its phases from its history. */
export async function syncQueued(page: PipePage, name: string): Promise<{ uploadMs: number; verifyMs: number }> {
  const jobId = await inPipePage<string>(page, FIND_QUEUED_RUN, name);
  await inPipePage(page, `await api.updateSettings({ paused: false }); return 0;`, null);
  const events = await inPipePage<JobEvent[]>(page, UNTIL_VERIFIED, jobId);
  await inPipePage(page, `await api.updateSettings({ paused: true }); return 0;`, null);
  return phasesFromHistory(name, events);
}

/**
 * Queue `folder` as a run (syncing paused, so intake is timed alone), switch syncing on, and time each
 * phase (milliseconds); throws when the run fails.
 */
export async function syncRun(page: PipePage, folder: string, runName: string): Promise<PhaseTimes> {
  const intakeMs = await queueRun(page, folder, runName);
  return { intakeMs, ...(await syncQueued(page, runName)) };
}

export interface JobEvent {
  kind: string;
  at: string;
  detail: string | null;
}

/** In the page (api, arg = the run's name): the id of the QUEUED job of that run. */
const FIND_QUEUED_RUN = `
  let after = null;
  do {
    const r = await api.list({ state: 'queued', after, limit: 500 });
    const job = r.value.jobs.find((j) => j.nas_path && j.nas_path.endsWith('/' + arg));
    if (job) return job.id;
    after = r.value.next;
  } while (after);
  throw new Error('the benchmark run was not queued');`;

/** In the page (api, arg = a job id): its history, once it is verified or failed. */
const UNTIL_VERIFIED = `
  for (;;) {
    const h = (await api.history(arg)).value;
    if (h.some((e) => e.kind === 'verified' || e.kind === 'failed' || e.kind === 'stopped')) return h;
    await new Promise((r) => setTimeout(r, 100));
  }`;

/** Upload and verify times from a verified job's history (milliseconds); throws when it did not verify. */
function phasesFromHistory(runName: string, events: JobEvent[]): { uploadMs: number; verifyMs: number } {
  if (!events.some((e) => e.kind === 'verified')) throw new Error(`${runName} did not verify: ${JSON.stringify(events.slice(-3))}`);
  const at = (kind: string) => Date.parse(events.find((e) => e.kind === kind)?.at ?? 'x');
  return { uploadMs: at('uploaded') - at('upload-started'), verifyMs: at('verified') - at('uploaded') };
}
