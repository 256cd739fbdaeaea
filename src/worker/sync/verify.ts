import type { SyncJobRow } from '../db/jobRows';
import type { RunFile } from '../db/runFiles';
import { VerifyMismatchError } from '../errors';
import { claimTempName, fileTempName, manifestTempName } from '../../shared/nasNames';
import { relPathSegments } from '../../shared/nasPath';
import { SyncJobState, verifyPassOutcome } from '../../shared/state';
import { formatInstant } from '../../shared/time';
import type { DavClient } from '../webdav/client';
import type { SyncContext } from './deps';
import { listRunFiles, moveJob } from './jobs';
import { writeManifest } from './manifest';
import { nasSizes, requireOwnClaim, sizeMismatches } from './nasCopy';
import { runFolder } from './nasNames';
import { progressMeter } from './progress';
import { nasFileMatches } from './readBack';
import { inLanes } from '../../shared/inLanes';
import { FILE_CONCURRENCY } from './upload';

// The verify phase: the run on the NAS is checked against the device's list (its claim, sizes, then
// checksums when the settings say so), the manifest is written, and the pass is counted.

/** One verify pass of an AWAITING_VERIFY job; returns the job as it stands after it. */
export async function verifyPass(ctx: SyncContext, job: SyncJobRow): Promise<SyncJobRow> {
  const settings = ctx.deps.settings();
  const dav = ctx.deps.dav(settings, ctx.signal);
  const folder = runFolder(job);
  const expected = await listRunFiles(ctx, job.id);
  await requireOwnClaim(dav, ctx.deps.stores.claims, job.id, folder);
  const { sizes, listed } = await nasSizes(dav, folder, expected);
  await deleteOwnTemporaries(dav, job.id, folder, expected, listed);
  const bad = sizeMismatches(expected, sizes);
  if (bad.length) {
    throw new VerifyMismatchError(
      `size differs or file missing on the NAS: ${bad.map((f) => f.rel_path).join(', ')}`,
      bad.map((f) => f.rel_path),
    );
  }
  if (settings.verifyMode === 'checksum') await checkChecksums(ctx, dav, job.id, folder, expected);
  await writeManifest(dav, folder, job.id, expected, ctx.signal);
  const outcome = verifyPassOutcome(job.verify_passes, settings.verifyPasses);
  const verifiedAt = outcome.state === SyncJobState.VERIFIED ? formatInstant(ctx.deps.clock.now()) : null;
  await ctx.deps.stores.claims.verifiedOn(job.id, settings.nasUrl);
  return moveJob(
    ctx,
    job.id,
    [SyncJobState.AWAITING_VERIFY],
    outcome.state,
    { incrementVerifyPasses: true, verifiedAt },
    {
      kind: outcome.event,
      detail: `${settings.verifyMode}, pass ${outcome.passes}`,
    },
  );
}

/**
 * Temporaries of abandoned attempts (a killed tab, a cut connection): only the exact names this job
 * writes, in the folders it writes them; a user's file that merely looks like one is a run file.
 */
async function deleteOwnTemporaries(
  dav: DavClient,
  jobId: string,
  folder: string[],
  files: readonly RunFile[],
  listed: string[][],
): Promise<void> {
  const own = new Set([manifestTempName(jobId), claimTempName(jobId), ...files.map((f) => fileTempName(jobId, f.seq))]);
  const runNames = new Set(files.map((f) => relPathSegments(f.rel_path).join('/')));
  for (const path of listed) {
    const name = path[path.length - 1];
    if (own.has(name) && !runNames.has(path.slice(folder.length).join('/'))) await dav.deleteResource(path);
  }
}

/**
 * Reads every file back from the NAS, FILE_CONCURRENCY at a time (one after the other, a run of small
 * files waits a round trip per file), and throws VerifyMismatchError naming those whose bytes differ.
 */
async function checkChecksums(ctx: SyncContext, dav: DavClient, jobId: string, folder: string[], expected: RunFile[]): Promise<void> {
  const meter = progressMeter(
    ctx.deps,
    jobId,
    'verify',
    expected.reduce((n, f) => n + f.size, 0),
  );
  const bad: RunFile[] = [];
  let bytesDone = 0;
  await inLanes(expected, FILE_CONCURRENCY, async (f) => {
    const path = [...folder, ...relPathSegments(f.rel_path)];
    if (!(await nasFileMatches(dav, ctx.deps.stores.runFiles, jobId, f, path, ctx.signal, (n) => meter((bytesDone += n))))) bad.push(f);
  });
  meter(bytesDone, true);
  if (bad.length) {
    bad.sort((a, b) => a.seq - b.seq);
    throw new VerifyMismatchError(
      `checksum differs on the NAS: ${bad.map((f) => f.rel_path).join(', ')}`,
      bad.map((f) => f.rel_path),
    );
  }
}
