import { createSHA256 } from 'hash-wasm';
import type { RunFile, SyncJobRow } from '../db/queue';
import { VerifyMismatchError } from '../errors';
import { relPathSegments } from '../../shared/nasPath';
import { SyncJobState, verifyPassOutcome } from '../../shared/state';
import { formatInstant } from '../../shared/time';
import type { DavClient } from '../webdav/client';
import type { DavResource } from '../webdav/propfind';
import type { SyncContext } from './deps';
import { writeManifest } from './manifest';
import { addHistory, listRunFiles, moveJob } from './jobs';
import { isTempName, runFolder } from './nasNames';
import { progressMeter } from './progress';

// The verify phase: the run on the NAS is checked against the device's list (sizes, then checksums when
// the settings say so), the manifest is written, and the pass is counted.

/** One verify pass of an AWAITING_VERIFY job; returns the job as it stands after it. */
export async function verifyPass(ctx: SyncContext, job: SyncJobRow): Promise<SyncJobRow> {
  const settings = ctx.deps.settings();
  const dav = ctx.deps.dav(settings, ctx.signal);
  const folder = runFolder(job);
  const expected = await listRunFiles(ctx, job.id);
  const remote = await dav.listFilesDeep(folder);
  // Temporaries of abandoned attempts (a killed tab, a cut connection) go before the run is called whole.
  for (const r of remote) {
    if (isTempName(r.path[r.path.length - 1])) await dav.deleteResource(r.path);
  }
  checkSizes(folder, expected, remote);
  if (settings.verifyMode === 'checksum') await checkChecksums(ctx, dav, job.id, folder, expected);
  await writeManifest(dav, folder, job.id, expected);
  const outcome = verifyPassOutcome(job.verify_passes, settings.verifyPasses);
  const verifiedAt = outcome.state === SyncJobState.VERIFIED ? formatInstant(ctx.deps.clock.now()) : null;
  const next = await moveJob(ctx, job.id, outcome.state, { incrementVerifyPasses: true, verifiedAt });
  await addHistory(ctx, job.id, outcome.event, `${settings.verifyMode}, pass ${outcome.passes}`);
  return next;
}

/** Throws VerifyMismatchError naming every file missing on the NAS or of another size there. */
function checkSizes(folder: string[], expected: RunFile[], remote: DavResource[]): void {
  const remoteSize = new Map(remote.map((r) => [r.path.slice(folder.length).join('/'), r.size]));
  const bad = expected.filter((f) => remoteSize.get(relPathSegments(f.rel_path).join('/')) !== f.size);
  if (bad.length) {
    throw new VerifyMismatchError(
      `size differs or file missing on the NAS: ${bad.map((f) => f.rel_path).join(', ')}`,
      bad.map((f) => f.rel_path),
    );
  }
}

/** Reads every file back from the NAS and throws VerifyMismatchError naming those whose SHA-256 differs. */
async function checkChecksums(ctx: SyncContext, dav: DavClient, jobId: string, folder: string[], expected: RunFile[]): Promise<void> {
  const meter = progressMeter(ctx.deps, jobId, 'verify', expected.reduce((n, f) => n + f.size, 0));
  const bad: RunFile[] = [];
  let bytesDone = 0;
  for (const f of expected) {
    const hasher = await createSHA256();
    for await (const chunk of dav.getFile([...folder, ...relPathSegments(f.rel_path)])) {
      ctx.signal.throwIfAborted();
      hasher.update(chunk);
      bytesDone += chunk.length;
      meter(bytesDone);
    }
    if (hasher.digest('hex') !== f.sha256) bad.push(f);
  }
  meter(bytesDone, true);
  if (bad.length) {
    throw new VerifyMismatchError(`checksum differs on the NAS: ${bad.map((f) => f.rel_path).join(', ')}`, bad.map((f) => f.rel_path));
  }
}
