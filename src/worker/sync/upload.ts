import { inLanes } from '../../shared/inLanes';
import type { SyncJobRow } from '../db/jobRows';
import type { RunFile } from '../db/runFiles';
import { NoFilesError } from '../errors';
import { SyncJobState } from '../../shared/state';
import { formatInstant } from '../../shared/time';
import type { DavClient } from '../webdav/client';
import { claimRunFolder } from './claim';
import type { EngineDeps, SyncContext } from './deps';
import { listRunFiles, moveJob } from './jobs';
import { runFolder } from './nasNames';
import { progressMeter } from './progress';
import { sendFile, type Transfer } from './sendFile';

// The upload phase: QUEUED -> RUNNING -> the run's NAS folder claimed -> every file PUT to a temporary
// name and MOVEd onto its final one -> AWAITING_VERIFY. Files already marked uploaded are not sent again.

/**
 * Files of one run sent (and read back) at once: Chromium opens 6 HTTP/1.1 connections per origin, and on
 * a 40 ms link a run of small files is bound by round trips, so each connection carries one (#14).
 */
export const FILE_CONCURRENCY = 6;

/** Take a QUEUED job through its upload; returns the job, AWAITING_VERIFY. */
export async function sendRun(ctx: SyncContext, job: SyncJobRow): Promise<SyncJobRow> {
  const lastAttemptAt = formatInstant(ctx.deps.clock.now());
  const device = ctx.deps.device?.() ?? null;
  // The history names the device that sent the run, as its claim on the NAS does.
  const detail = device ? `from device "${device.name}" (${device.id})` : null;
  let running = await moveJob(
    ctx,
    job.id,
    [SyncJobState.QUEUED],
    SyncJobState.RUNNING,
    { lastAttemptAt },
    { kind: 'upload-started', detail },
  );
  const all = await listRunFiles(ctx, job.id);
  // A job queued with no files (a by-path job of an older version) has nothing of its own on the NAS:
  // sending "nothing" would verify an empty run and write an empty manifest over someone's folder.
  if (!all.length) throw new NoFilesError(`job ${job.id} has no files on this device`);
  const dav = ctx.deps.dav(ctx.deps.settings(), ctx.signal);
  running = await claimRunFolder(
    { dav, claims: ctx.deps.stores.claims, device, nowIso: () => formatInstant(ctx.deps.clock.now()) },
    running,
  );
  // Listed again: a folder claimed afresh has just had every file marked to be sent.
  await uploadFiles(ctx, dav, running, await listRunFiles(ctx, job.id));
  return moveJob(ctx, job.id, [SyncJobState.RUNNING], SyncJobState.AWAITING_VERIFY, {}, { kind: 'uploaded' });
}

async function uploadFiles(ctx: SyncContext, dav: DavClient, job: SyncJobRow, all: RunFile[]): Promise<void> {
  const folder = runFolder(job);
  const folders = new Map<string, Promise<void>>();
  const ensureFolder = (dir: string[]) => {
    const key = dir.join('/');
    // The run's own folder exists once it is claimed: only the levels below it are made.
    if (!folders.has(key)) folders.set(key, dav.createCollections(dir, folder.length));
    return folders.get(key)!;
  };
  const transfer: Transfer = { ctx, dav, jobId: job.id, folder, ensureFolder, progress: uploadProgress(ctx.deps, job.id, all) };
  // A few files at a time: a run of many small files is bound by round trips, not bandwidth.
  await inLanes(
    all.filter((f) => !f.uploaded_at),
    FILE_CONCURRENCY,
    (file) => sendFile(transfer, file),
  );
}

export interface UploadProgress {
  /** `sent` bytes of file `seq` are on their way. */
  sending(seq: number, sent: number): void;
  /** File `seq` is on the NAS. */
  sent(seq: number, size: number): void;
}

/** Bytes of the run on the NAS (files sent before count whole) plus the bytes of the files in flight. */
function uploadProgress(deps: EngineDeps, jobId: string, all: RunFile[]): UploadProgress {
  const bytesTotal = all.reduce((n, f) => n + f.size, 0);
  let bytesDone = all.filter((f) => f.uploaded_at).reduce((n, f) => n + f.size, 0);
  const inFlight = new Map<number, number>();
  const meter = progressMeter(deps, jobId, 'upload', bytesTotal);
  const report = (force = false) => meter(bytesDone + [...inFlight.values()].reduce((a, b) => a + b, 0), force);
  return {
    sending(seq, sent) {
      inFlight.set(seq, sent);
      report();
    },
    sent(seq, size) {
      inFlight.delete(seq);
      bytesDone += size;
      // Not forced per file (a run of 2,000 small files made 2,000 messages to the page): the meter's own
      // pace, and the last file always.
      report(bytesDone === bytesTotal);
    },
  };
}
