import { join } from 'node:path';
import { E2E_DIST } from '../../test/support/paths.ts';
import { startProductionPath } from '../../test/support/productionPath.ts';
import { type PipePage, openPipePage } from '../../test/support/pipeChromium.ts';
import { FIND_QUEUED_RUN, UNTIL_VERIFIED, type JobEvent, phasesFromHistory } from './appRun.ts';
import type { SampleRun } from './sampleRuns.ts';

// Chromium's memory over many runs in one page, as a tablet that keeps the app open for days: each run
// queued through the New run form and synced to the production path (loopback), with no DevTools agent
// on the worker (pipeChromium.ts says why). Per run: the growth while it runs, and the level it settles
// back to, against the level before the first run.

export interface MemoryRun {
  label: string;
  /** Above the level before this run, at its highest while it ran (MiB). */
  peakGrowthMb: number;
  /** Once settled after it, above the level before the first run (MiB). */
  restingDriftMb: number;
}

export interface MemoryReport {
  restingBeforeMb: number;
  runs: MemoryRun[];
}

const FORM = 'form[aria-label="New run"]';
const SAMPLE_MS = 250;
/** The page is left alone this long after a run before its resting level is read. */
const SETTLE_MS = 3_000;

const totalMb = (page: PipePage) => Object.values(page.rssByType()).reduce((a, b) => a + b, 0) / 2 ** 20;

/** Run `api` code in the page, as inPage.ts does through Playwright. */
export const inPipePage = <T>(page: PipePage, body: string, arg: unknown) =>
  page.evaluate<T>(`(async () => { const api = globalThis.exlabApi; const arg = ${JSON.stringify(arg)}; ${body} })()`);

export async function until(page: PipePage, condition: string, what: string, timeoutMs = 900_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(condition))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Queue `dir` as the run `name` through the New run form, as a technician does. */
export async function queueRun(page: PipePage, dir: string, name: string, timeoutMs?: number): Promise<void> {
  await page.evaluate(`location.hash = '#/new'`);
  await until(page, `!!document.querySelector('${FORM} [data-testid=pick-folder]')`, 'the New run form');
  await page.setInputFiles(`${FORM} [data-testid=pick-folder]`, [dir]);
  await until(page, `!!document.querySelector('${FORM} [data-testid=picked-summary]')`, 'the picked folder');
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
  );
  const refused = await page.evaluate<string | undefined>(refusal);
  if (refused) throw new Error(`${name} was not queued: ${refused}`);
  await page.evaluate(`location.hash = '#/queue'`);
}

export async function syncOne(page: PipePage, dir: string, name: string): Promise<void> {
  await queueRun(page, dir, name);
  const jobId = await inPipePage<string>(page, FIND_QUEUED_RUN, name);
  await inPipePage(page, `await api.updateSettings({ paused: false }); return 0;`, null);
  const events = await inPipePage<JobEvent[]>(page, UNTIL_VERIFIED, jobId);
  await inPipePage(page, `await api.updateSettings({ paused: true }); return 0;`, null);
  phasesFromHistory(name, events);
}

/** `runs` one after the other in one page, each `times` times. */
export async function memoryRuns(runs: { run: SampleRun & { label: string }; times: number }[], work: string): Promise<MemoryReport> {
  const prod = await startProductionPath(E2E_DIST, join(work, 'memory-prod'));
  const page = await openPipePage(join(work, 'profile-memory'), `${prod.origin}/`);
  try {
    await until(page, `document.querySelector('[data-testid=ownership]')?.dataset.status === 'owner'`, 'the app to own its queue', 60_000);
    await inPipePage(page, `await api.updateSettings({ paused: true, retentionHours: 1, verifyMode: 'checksum' }); return 0;`, null);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const restingBeforeMb = totalMb(page);
    const out: MemoryRun[] = [];
    for (const { run, times } of runs) {
      for (let i = 1; i <= times; i++) {
        console.error(`bench: memory, ${run.label}, run ${i} of ${times}`);
        const before = totalMb(page);
        let peak = before;
        const sampler = setInterval(() => (peak = Math.max(peak, totalMb(page))), SAMPLE_MS);
        await syncOne(page, run.dir, `memory-${out.length}`).finally(() => clearInterval(sampler));
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        out.push({
          label: `${run.label}, run ${i} of ${times}`,
          peakGrowthMb: peak - before,
          restingDriftMb: totalMb(page) - restingBeforeMb,
        });
      }
    }
    return { restingBeforeMb, runs: out };
  } finally {
    await page.close();
    await prod.stop();
  }
}
