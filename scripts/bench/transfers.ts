import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FILE_CONCURRENCY } from '../../src/worker/sync/upload.ts';
import type { PipePage } from '../../test/support/pipeChromium.ts';
import { startProductionPath } from '../../test/support/productionPath.ts';
import { type LinkProfile, LOOPBACK, startShapingProxy } from '../../test/support/shapingProxy.ts';
import { E2E_DIST } from '../../test/support/paths.ts';
import { serveApp } from '../../test/support/serveApp.ts';
import { type PhaseTimes, openApp, syncRun } from './appRun.ts';
import { type CpuSeconds, timeCpu } from './cpuTime.ts';
import { type ReferenceTimes, curlSameProtocol, plainCopyMs, rcloneCopyCheck } from './references.ts';
import type { SampleRun } from './sampleRuns.ts';

// The runs timed on each link: the app (production path: the nginx recipe in front of Apache mod_dav),
// curl and rclone through that same path and link, one after the other; the app on the embedded path
// (vite preview + webdav-server, what `npm start` runs) beside it, on loopback.

const exec = promisify(execFile);

export interface TransferRow {
  run: SampleRun & { label: string; kind: 'small' | 'big' };
  link: LinkProfile;
  app: PhaseTimes;
  /** Chromium's CPU time during the app's run. */
  cpu: CpuSeconds;
  curl: ReferenceTimes;
  rclone: ReferenceTimes;
  /** A plain copy of the big run on the same disk (loopback rows only). */
  plainCopyMs?: number;
  /** The same run through the embedded path (loopback rows only, when asked). */
  embedded?: PhaseTimes;
}

export interface TransferPlan {
  /** Which runs on which link. */
  legs: { link: LinkProfile; runs: TransferRow['run'][] }[];
  /** Also run the loopback legs through the embedded path. */
  embedded: boolean;
  /** Leave curl and rclone out (while working on the app: their figures do not change). */
  appOnly?: boolean;
}

const NOT_RUN: ReferenceTimes = { uploadMs: NaN, verifyMs: NaN };

/** The app's parallelism: curl runs this many processes, rclone this many transfers. */
export const LANES = FILE_CONCURRENCY;

export async function transferRows(plan: TransferPlan, work: string): Promise<TransferRow[]> {
  const prod = await startProductionPath(E2E_DIST, join(work, 'prod'));
  const proxy = await startShapingProxy(prod.origin);
  const rows: TransferRow[] = [];
  let page: PipePage | null = null;
  let pageOrigin = '';
  try {
    await exec('curl', ['-sS', '-o', '/dev/null', '-X', 'MKCOL', `${prod.origin}/dav/ref/`]);
    for (const leg of plan.legs) {
      // Loopback goes straight to nginx; a shaped link through the proxy (its own origin, its own app).
      const origin = leg.link === LOOPBACK ? prod.origin : proxy.origin;
      proxy.setLink(leg.link);
      // One browser (and profile) per origin, as a tablet has the app from one address.
      if (!page || pageOrigin !== origin) {
        await page?.close();
        page = null;
        page = await openApp(join(work, `profile-${rows.length}`), `${origin}/`);
        pageOrigin = origin;
      }
      for (const run of leg.runs) {
        const tag = `${run.kind}-${leg.link.rttMs}ms`;
        console.error(`bench: ${run.label}, ${leg.link.name}`);
        await exec('sync');
        const watched = await timeCpu(page, () => syncRun(page!, run.dir, `app-${tag}`));
        if (plan.appOnly) {
          rows.push({ run, link: leg.link, app: watched.result, cpu: watched.cpu, curl: NOT_RUN, rclone: NOT_RUN });
          continue;
        }
        await exec('sync');
        const curl = await curlSameProtocol(`${origin}/dav/ref/curl-${tag}/`, run, LANES, join(work, `curl-${tag}`));
        await exec('sync');
        const rclone = await rcloneCopyCheck(`${origin}/dav/`, `ref/rclone-${tag}`, run, LANES, join(work, `rclone-${tag}`));
        const plainCopy = run.kind === 'big' && leg.link === LOOPBACK ? await plainCopyMs(run, join(work, 'copy')) : undefined;
        rows.push({ run, link: leg.link, app: watched.result, cpu: watched.cpu, curl, rclone, plainCopyMs: plainCopy });
      }
    }
  } finally {
    await page?.close();
    await proxy.stop();
    await prod.stop();
  }
  if (plan.embedded)
    await embeddedColumn(
      rows.filter((r) => r.link === LOOPBACK),
      work,
    );
  return rows;
}

/** The loopback runs again through the embedded path, the app alone. */
async function embeddedColumn(rows: TransferRow[], work: string): Promise<void> {
  const app = await serveApp({ port: 0, davRoot: join(work, 'embedded-nas'), distDir: E2E_DIST });
  try {
    const page = await openApp(join(work, 'profile-embedded'), app.url);
    try {
      for (const row of rows) {
        console.error(`bench: ${row.run.label}, embedded path`);
        await exec('sync');
        row.embedded = await syncRun(page, row.run.dir, `embedded-${row.run.kind}`);
      }
    } finally {
      await page.close();
    }
  } finally {
    await app.stop();
  }
}
