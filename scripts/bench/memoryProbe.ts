import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2E_DIST } from '../../test/support/paths.ts';
import { startProductionPath } from '../../test/support/productionPath.ts';
import { openPipePage } from '../../test/support/pipeChromium.ts';
import { inPipePage, syncOne, until } from './memoryRuns.ts';
import { makeSmallRun } from './sampleRuns.ts';

// While hunting what keeps Chromium's memory between runs: N runs of a few small files in one page
// (production path, loopback, no DevTools agent during the runs), and after each, once a full GC in the
// page and the worker and a memory-pressure signal, the resident and private memory of each process
// type. Usage: npx tsx scripts/bench/memoryProbe.ts [runs=8] [files=200]. Needs dist-e2e.

const RUNS = Number(process.argv[2] ?? 8);
const FILES = Number(process.argv[3] ?? 200);
const SETTLE_MS = 3_000;
const MB = 2 ** 20;

/** Private (unshared) resident bytes of the processes of group `pgid`, by Chromium process type. */
function privateByType(pgid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue;
      const rollup = readFileSync(`/proc/${entry}/smaps_rollup`, 'utf8');
      const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0);
      const type = /--type=([\w-]+)/.exec(readFileSync(`/proc/${entry}/cmdline`, 'utf8'))?.[1] ?? 'browser';
      out[type] = (out[type] ?? 0) + (kb('Private_Clean') + kb('Private_Dirty')) * 1024;
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

const line = (label: string, byType: Record<string, number>) => {
  const total = Object.values(byType).reduce((a, b) => a + b, 0);
  const parts = Object.entries(byType)
    .sort()
    .map(([t, v]) => `${t} ${(v / MB).toFixed(0)}`);
  return `${label} total ${(total / MB).toFixed(0)} (${parts.join(', ')})`;
};

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'memprobe-'));
  chmodSync(work, 0o755); // Apache drops root for www-data, which must reach its folders inside.
  const run = makeSmallRun(join(work, 'few'), FILES);
  const prod = await startProductionPath(E2E_DIST, join(work, 'prod'));
  const page = await openPipePage(join(work, 'profile'), `${prod.origin}/`);
  const pgid = page.pid;
  try {
    await until(page, `document.querySelector('[data-testid=ownership]')?.dataset.status === 'owner'`, 'the app to own its queue', 60_000);
    await inPipePage(page, `await api.updateSettings({ paused: true, retentionHours: 1, verifyMode: 'checksum' }); return 0;`, null);
    const measure = async (label: string) => {
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const raw = page.rssByType();
      const heaps = await page.collectGarbage();
      await new Promise((r) => setTimeout(r, 1_000));
      console.log(line(`${label} rss`, raw));
      console.log(line(`${label} rss after gc`, page.rssByType()));
      if (pgid) console.log(line(`${label} private after gc`, privateByType(pgid)));
      const mb = (n?: number) => (n === undefined ? '?' : (n / MB).toFixed(1));
      for (const h of heaps) {
        console.log(
          `${label} ${h.target} heap used ${mb(h.usedSize)} committed ${mb(h.totalSize)} blink ${mb(h.embedderHeapUsedSize)} arraybuffers ${mb(h.backingStorageSize)}`,
        );
      }
    };
    await measure('before');
    for (let i = 1; i <= RUNS; i++) {
      await syncOne(page, run.dir, `probe-${i}`);
      await measure(`run ${i}`);
    }
  } finally {
    await page.close();
    await prod.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
