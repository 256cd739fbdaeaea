import type { RunFile, SyncJobRow } from '../db/queue';
import { relPathSegments } from '../../shared/nasPath';
import { SyncJobState } from '../../shared/state';
import { formatInstant } from '../../shared/time';
import type { DavClient } from '../webdav/client';
import type { EngineDeps, SyncContext } from './deps';
import { addHistory, listRunFiles, markFileUploaded, moveJob } from './jobs';
import { runFolder, tempName } from './nasNames';
import { progressMeter } from './progress';

// The upload phase: QUEUED -> RUNNING -> every file PUT to a temporary name and MOVEd onto its final one
// -> AWAITING_VERIFY. Files already marked uploaded (by an earlier attempt) are not sent again.

/** Files of one run sent at once. */
const FILE_CONCURRENCY = 4;

/** Take a QUEUED job through its upload; returns the job, AWAITING_VERIFY. */
export async function sendRun(ctx: SyncContext, job: SyncJobRow): Promise<SyncJobRow> {
  const lastAttemptAt = formatInstant(ctx.deps.clock.now());
  const running = await moveJob(ctx, job.id, SyncJobState.RUNNING, { lastAttemptAt });
  await addHistory(ctx, job.id, 'upload-started');
  await uploadFiles(ctx, running);
  const uploaded = await moveJob(ctx, job.id, SyncJobState.AWAITING_VERIFY);
  await addHistory(ctx, job.id, 'uploaded');
  return uploaded;
}

/** What sending one file needs. */
interface Transfer {
  ctx: SyncContext;
  dav: DavClient;
  jobId: string;
  folder: string[];
  /** Creates a sub-folder of the run once, however many files go into it. */
  ensureFolder(dir: string[]): Promise<void>;
  progress: UploadProgress;
}

async function uploadFiles(ctx: SyncContext, job: SyncJobRow): Promise<void> {
  const dav = ctx.deps.dav(ctx.deps.settings(), ctx.signal);
  const folder = runFolder(job);
  const all = await listRunFiles(ctx, job.id);
  const progress = uploadProgress(ctx.deps, job.id, all);
  await dav.createCollections(folder);
  const folders = new Map<string, Promise<void>>();
  const ensureFolder = (dir: string[]) => {
    const key = dir.join('/');
    if (!folders.has(key)) folders.set(key, dav.createCollections(dir));
    return folders.get(key)!;
  };
  const transfer: Transfer = { ctx, dav, jobId: job.id, folder, ensureFolder, progress };
  // A few files at a time: a run of many small files is bound by round trips, not bandwidth.
  await inLanes(
    all.filter((f) => !f.uploaded_at),
    FILE_CONCURRENCY,
    (file) => sendFile(transfer, file),
  );
}

async function sendFile(t: Transfer, file: RunFile): Promise<void> {
  t.ctx.signal.throwIfAborted();
  const segments = relPathSegments(file.rel_path);
  const dir = [...t.folder, ...segments.slice(0, -1)];
  if (segments.length > 1) await t.ensureFolder(dir);
  const body = await t.ctx.deps.files.open(t.jobId, file.seq, file.rel_path);
  const temp = [...dir, tempName(t.jobId, file.seq)];
  await t.dav.putFile(temp, body, (sent) => t.progress.sending(file.seq, sent));
  await t.dav.moveFile(temp, [...t.folder, ...segments]);
  await markFileUploaded(t.ctx, t.jobId, file.seq);
  t.progress.sent(file.seq, file.size);
}

/**
 * Work through `items` with up to `width` lanes; after a failure no lane takes another item, and the
 * first failure is thrown once every lane has stopped.
 */
async function inLanes<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < items.length && !failed) await work(items[next++]);
  };
  const lanes = await Promise.allSettled(
    Array.from({ length: Math.min(width, items.length) }, () =>
      lane().catch((err) => {
        failed = true;
        throw err;
      }),
    ),
  );
  const rejected = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (rejected) throw rejected.reason;
}

interface UploadProgress {
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
      report(true);
    },
  };
}
