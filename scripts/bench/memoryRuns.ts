import { join } from 'node:path';
import { E2E_DIST } from '../../test/support/paths.ts';
import { startProductionPath } from '../../test/support/productionPath.ts';
import type { PipePage } from '../../test/support/pipeChromium.ts';
import { openApp, syncRun } from './appRun.ts';
import type { SampleRun } from './sampleRuns.ts';

// Chromium's memory over many runs in one page, as a tablet that keeps the app open for days: each run
// queued through the New run form and synced to the production path (loopback), driven as appRun.ts
// does. Per run: the growth while it runs, and the level it settles back to, against the level before
// the first run.

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

const SAMPLE_MS = 250;
/** The page is left alone this long after a run before its resting level is read. */
const SETTLE_MS = 3_000;

const totalMb = (page: PipePage) => Object.values(page.rssByType()).reduce((a, b) => a + b, 0) / 2 ** 20;

/** `runs` one after the other in one page, each `times` times. */
export async function memoryRuns(runs: { run: SampleRun & { label: string }; times: number }[], work: string): Promise<MemoryReport> {
  const prod = await startProductionPath(E2E_DIST, join(work, 'memory-prod'));
  const page = await openApp(join(work, 'profile-memory'), `${prod.origin}/`);
  try {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const restingBeforeMb = totalMb(page);
    const out: MemoryRun[] = [];
    for (const { run, times } of runs) {
      for (let i = 1; i <= times; i++) {
        console.error(`bench: memory, ${run.label}, run ${i} of ${times}`);
        const before = totalMb(page);
        let peak = before;
        const sampler = setInterval(() => (peak = Math.max(peak, totalMb(page))), SAMPLE_MS);
        await syncRun(page, run.dir, `memory-${out.length}`).finally(() => clearInterval(sampler));
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
