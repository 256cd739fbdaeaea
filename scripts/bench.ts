import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINK_10MS, LINK_40MS, LOOPBACK } from '../test/support/shapingProxy.ts';
import { E2E_DIST } from '../test/support/paths.ts';
import { serveApp } from '../test/support/serveApp.ts';
import { queueFigures } from './bench/queueFigures.ts';
import { report } from './bench/report.ts';
import { memoryRuns } from './bench/memoryRuns.ts';
import { type SampleRun, makeBigRun, makeSmallRun } from './bench/sampleRuns.ts';
import { type TransferPlan, transferRows } from './bench/transfers.ts';

// `npm run bench`: runs to the NAS through the production path on three links, the app against curl
// and rclone, and the queue's own figures, all on the e2e build (dist-e2e/, which `npm test` builds);
// writes BENCHMARKS.md. `--quick` (in `npm test`) runs the
// same code on small sizes so it cannot rot, and writes nothing.
//
// The full run is sized to end within about 15 minutes on 2 cores: the 1 GB file goes over loopback,
// a smaller one over the 10 ms link (on a 100 Mbit/s link every big file is bound by the cap, 12.5
// MB/s, whatever the round trip), and none over the 40 ms link. Memory: 20 runs in one page, the
// 2,000-file, 1 GB and 4 GB runs among them, the rest small runs of 200 files.

const QUICK = process.argv.includes('--quick');
const SIZES = QUICK
  ? { bigQueue: 20_000, calls: 400, smallFiles: 100, bigMb: 64, shapedBigMb: 16, hugeMb: 0, memoryRuns: 3, memoryFiles: 50 }
  : { bigQueue: 100_000, calls: 2_000, smallFiles: 2_000, bigMb: 1024, shapedBigMb: 256, hugeMb: 4096, memoryRuns: 20, memoryFiles: 200 };
/**
 * While working on one figure: `--only <link rtt in ms>:<small|big>,...` (e.g. 40:small), `--no-queue`,
 * `--no-embedded`, `--no-memory`, `--app-only` (no curl, no rclone); `--small-files <n>`.
 */
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : null;
const WITH_QUEUE = !process.argv.includes('--no-queue');
const WITH_EMBEDDED = !process.argv.includes('--no-embedded');
const APP_ONLY = process.argv.includes('--app-only');
const WITH_MEMORY = !process.argv.includes('--no-memory');
if (process.argv.includes('--small-files')) SIZES.smallFiles = Number(process.argv[process.argv.indexOf('--small-files') + 1]);

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'exlab-bench-'));
  // Apache drops root for www-data, which must reach its folders inside.
  chmodSync(work, 0o755);
  try {
    const n = SIZES.smallFiles.toLocaleString('en');
    const small = { ...makeSmallRun(join(work, 'small'), SIZES.smallFiles), label: `${n} files of 1–20 KB`, kind: 'small' as const };
    const big = {
      ...makeBigRun(join(work, 'big'), SIZES.bigMb),
      label: `${SIZES.bigMb.toLocaleString('en')} MB file`,
      kind: 'big' as const,
    };
    const shapedBig = {
      ...makeBigRun(join(work, 'shaped-big'), SIZES.shapedBigMb),
      label: `${SIZES.shapedBigMb} MB file`,
      kind: 'big' as const,
    };
    // The quick run keeps one shaped link, so the proxy and the references through it cannot rot either.
    const legs = QUICK
      ? [
          { link: LOOPBACK, runs: [small, big] },
          { link: LINK_10MS, runs: [small] },
        ]
      : [
          { link: LOOPBACK, runs: [small, big] },
          { link: LINK_10MS, runs: [small, shapedBig] },
          { link: LINK_40MS, runs: [small] },
        ];
    const plan: TransferPlan = {
      legs: legs
        .map((l) => ({ ...l, runs: l.runs.filter((r) => !ONLY || ONLY.includes(`${l.link.rttMs}:${r.kind}`)) }))
        .filter((l) => l.runs.length),
      embedded: WITH_EMBEDDED,
      appOnly: APP_ONLY,
    };
    const rows = await transferRows(plan, work);

    const memory = WITH_MEMORY ? await memoryRun(work, small, big) : { restingBeforeMb: NaN, runs: [] };
    const queue = WITH_QUEUE ? await queueRun(work) : [];

    const notes = [
      '',
      `Sizes: ${n} small files on every link; the big file is ${SIZES.bigMb} MB on loopback and ${SIZES.shapedBigMb} MB on the`,
      '10 ms link (scaled down: at 100 Mbit/s each pass of 1 GB alone takes 86 s), none on the 40 ms link',
      '(the cap, not the round trip, bounds it). The 4 GB file runs once, on loopback, in the memory runs.',
    ];
    const text = report(QUICK, rows, memory, queue, notes);
    console.log(text);
    if (!QUICK && !ONLY && WITH_QUEUE && WITH_EMBEDDED && WITH_MEMORY && !APP_ONLY) writeFileSync('BENCHMARKS.md', text);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The small-file run, the big file and a huge one, then small runs up to SIZES.memoryRuns in all, in one page. */
async function memoryRun(work: string, small: SampleRun & { label: string }, big: SampleRun & { label: string }) {
  // The quick run leaves the huge file out: it would only repeat the big one, slower.
  const huge = SIZES.hugeMb
    ? [{ ...makeBigRun(join(work, 'huge'), SIZES.hugeMb), label: `${SIZES.hugeMb.toLocaleString('en')} MB file` }]
    : [];
  const n = SIZES.memoryFiles;
  const few = { ...makeSmallRun(join(work, 'few'), n), label: `${n} files of 1–20 KB` };
  const first = [small, big, ...huge].map((run) => ({ run, times: 1 }));
  try {
    return await memoryRuns([...first, { run: few, times: SIZES.memoryRuns - first.length }], work);
  } finally {
    for (const h of huge) rmSync(h.dir, { recursive: true, force: true });
  }
}

/** The queue's figures, in a profile of their own behind the embedded path (they never reach the NAS). */
async function queueRun(work: string) {
  const app = await serveApp({ port: 0, davRoot: join(work, 'queue-nas'), distDir: E2E_DIST });
  return queueFigures(app.url, join(work, 'profile-queue'), SIZES).finally(() => app.stop());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
