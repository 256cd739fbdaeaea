import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2E_DIST } from '../../test/support/paths.ts';
import { startProductionPath } from '../../test/support/productionPath.ts';
import { openPipePage } from '../../test/support/pipeChromium.ts';
import { inPipePage, queueRun, syncQueued, until } from './appRun.ts';
import { makeSmallRun } from './sampleRuns.ts';

// While hunting what keeps Chromium's memory between runs: N runs of a few small files in one page
// (production path, loopback, no DevTools agent during the runs), and after each, once a full GC in the
// page and the worker and a memory-pressure signal, the resident and private memory of each process
// type, and the V8 and Blink heaps of page and worker. Usage (needs dist-e2e, and the browser lock):
//   flock /tmp/browser.lock npx tsx scripts/bench/memoryProbe.ts [runs=8] [files=200]
// with RETENTION_HOURS=<h> (default 1), INTAKE_ONLY=1 (queue only, engine paused),
// PICK_ONCE=1 (queue only, the same picked files each run), OPFS_ONLY=1 (no app run: FILES files
// written into OPFS by a worker of the probe's own) and DUMP=1 (a memory-infra dump after each run, diffed per
// allocator; it starts Chromium's tracing service, about 85 MB more in a utility process).

const RUNS = Number(process.argv[2] ?? 8);
const FILES = Number(process.argv[3] ?? 200);
const SETTLE_MS = 3_000;
/** How long verified runs stay on the device (hours); 0 frees each run's OPFS files at once. */
const RETENTION_HOURS = Number(process.env.RETENTION_HOURS ?? 1);
/** DUMP=1: Chromium's memory dump (memory-infra) after each run too, and what changed per allocator. */
const DUMP = process.env.DUMP === '1';
/** INTAKE_ONLY=1: each run is only queued (copied into OPFS and hashed), the engine stays paused. */
const INTAKE_ONLY = process.env.INTAKE_ONLY === '1';
/**
 * PICK_ONCE=1 (with INTAKE_ONLY): the folder is put into the form's input once, and each run queues
 * those same File objects through api.addRun, so no run picks files again.
 */
const PICK_ONCE = process.env.PICK_ONCE === '1';
/**
 * OPFS_ONLY=1: no app run at all; each run, a worker of the probe's own writes FILES files of 1-20 KiB
 * into a new OPFS folder through createSyncAccessHandle, as intake does (Chromium's OPFS cost alone).
 */
const OPFS_ONLY = process.env.OPFS_ONLY === '1';
const OPFS_WORKER = `onmessage = async (e) => {
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('probe-' + e.data.run, { create: true });
  for (let i = 0; i < e.data.files; i++) {
    const access = await (await dir.getFileHandle('f' + i, { create: true })).createSyncAccessHandle();
    access.truncate(0);
    access.write(new Uint8Array(1024 + ((i * 7919) % (19 * 1024))), { at: 0 });
    access.flush();
    access.close();
  }
  postMessage(0);
};`;
const OPFS_RUN = `
  globalThis.probeWorker ??= new Worker(URL.createObjectURL(new Blob([${JSON.stringify(OPFS_WORKER)}])));
  await new Promise((resolve) => { probeWorker.onmessage = resolve; probeWorker.postMessage(arg); });
  return 0;`;
const OWNER = `document.querySelector('[data-testid=ownership]')?.dataset.status === 'owner'`;
const PICKER = 'form[aria-label="New run"] [data-testid=pick-folder]';
const ADD_PICKED = `
  const files = globalThis.probeFiles.map((file) => ({ relPath: file.webkitRelativePath.split('/').slice(1).join('/'), file }));
  const r = await api.addRun({ equipmentId: 'bench', runName: arg, files });
  if (!r.ok) throw new Error(JSON.stringify(r));
  return 0;`;
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

const processType = (pid: number) => {
  try {
    return /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 'browser';
  } catch {
    return 'gone';
  }
};

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
    await until(page, OWNER, 'the app to own its queue', 60_000);
    if (OPFS_ONLY) {
      // The app's CSP allows workers of its own origin only.
      await page.bypassCsp();
      await page.evaluate(`location.reload(); 0`);
      await new Promise((r) => setTimeout(r, 1_000));
      await until(page, OWNER, 'the app to own its queue again', 60_000);
    }
    await inPipePage(
      page,
      `await api.updateSettings({ paused: true, retentionHours: ${RETENTION_HOURS}, verifyMode: '${process.env.VERIFY ?? 'checksum'}' }); return 0;`,
      null,
    );
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
    let lastDump: Record<number, Record<string, number>> = {};
    const dump = async (label: string) => {
      if (!DUMP) return;
      const now = await page.memoryDump();
      for (const [pid, sizes] of Object.entries(now)) {
        const type = processType(Number(pid));
        const changed = Object.entries(sizes)
          .map(([name, size]) => [name, size - (lastDump[Number(pid)]?.[name] ?? 0)] as const)
          .filter(([, d]) => Math.abs(d) >= 0.5 * MB && Object.keys(lastDump).length)
          .map(([name, d]) => `${name} ${d > 0 ? '+' : ''}${(d / MB).toFixed(1)}`);
        if (changed.length) console.log(`${label} dump ${type} ${pid}: ${changed.join(', ')}`);
      }
      lastDump = now;
    };
    if (PICK_ONCE) {
      await page.evaluate(`location.hash = '#/new'`);
      await until(page, `!!document.querySelector('${PICKER}')`, 'the New run form');
      // Kept from the change event, before the form reads (and clears) the input.
      await page.evaluate(`document.addEventListener('change', (e) => (globalThis.probeFiles ??= [...e.target.files]), true); 0`);
      await page.setInputFiles(PICKER, [run.dir]);
      await until(page, `globalThis.probeFiles?.length === ${FILES}`, 'the picked files');
    }
    await measure('before');
    await dump('before');
    for (let i = 1; i <= RUNS; i++) {
      if (OPFS_ONLY) await inPipePage(page, OPFS_RUN, { run: i, files: FILES });
      else if (PICK_ONCE) await inPipePage(page, ADD_PICKED, `probe-${i}`);
      else if (INTAKE_ONLY) await queueRun(page, run.dir, `probe-${i}`);
      else {
        if (process.env.VIEW) await page.evaluate(`location.hash = '#/new'; 0`);
        await queueRun(page, run.dir, `probe-${i}`);
        if (process.env.VIEW) await page.evaluate(`location.hash = '${process.env.VIEW}'; 0`);
        const t = await syncQueued(page, `probe-${i}`);
        console.log(`run ${i} upload ${(t.uploadMs / 1000).toFixed(1)} s, verify ${(t.verifyMs / 1000).toFixed(1)} s`);
      }
      await measure(`run ${i}`);
      await dump(`run ${i}`);
    }
  } finally {
    await page.close();
    await prod.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
