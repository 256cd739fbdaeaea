import type { RunFile } from '../db/runFiles';
import { DavHttpError, DestinationExistsError, NameRefusedError, NasConflictError } from '../errors';
import { fileTempName } from '../../shared/nasNames';
import { relPathSegments } from '../../shared/nasPath';
import type { DavClient } from '../webdav/client';
import type { SyncContext } from './deps';
import { checkedBeforeSending, provenSmallBody } from '../files/provenBody';
import { markFileUploaded } from './jobs';
import { nasFileMatches } from './readBack';
import type { UploadProgress } from './upload';

// One file of a run onto the NAS: PUT to this job's temporary name for it, then MOVE onto the final name
// with Overwrite: F. A final name that is already taken is never overwritten: it is this file only when
// it holds exactly these bytes (a crash after an earlier MOVE), else the run's folder is not ours.

/** What sending one file needs. */
export interface Transfer {
  ctx: SyncContext;
  dav: DavClient;
  jobId: string;
  folder: string[];
  /** Creates a sub-folder of the run once, however many files go into it. */
  ensureFolder(dir: string[]): Promise<void>;
  progress: UploadProgress;
}

/** Names longer than this (UTF-8 bytes) are where servers with sidecar files or encrypted names differ. */
const LONG_NAME_BYTES = 200;

export async function sendFile(t: Transfer, file: RunFile): Promise<void> {
  t.ctx.signal.throwIfAborted();
  const segments = relPathSegments(file.rel_path);
  const dir = [...t.folder, ...segments.slice(0, -1)];
  if (segments.length > 1) await t.ensureFolder(dir);
  const opened = await t.ctx.deps.files.open(t.jobId, file);
  const body = checkedBeforeSending(file) ? await provenSmallBody(file, opened) : opened;
  const temp = [...dir, fileTempName(t.jobId, file.seq)];
  const final = [...t.folder, ...segments];
  await t.dav.putFile(temp, body, (sent) => t.progress.sending(file.seq, sent));
  try {
    await t.dav.moveFile(temp, final);
  } catch (err) {
    // 404: the temporary is gone, so an earlier try of this MOVE (whose answer the connection lost, and
    // which was sent again at once) may have done it: the final name then holds these very bytes.
    if (err instanceof DestinationExistsError || (err instanceof DavHttpError && err.status === 404))
      await adoptOrRefuse(t, file, temp, final, err);
    else if (await refusesName(t, err, final)) {
      await t.dav.deleteResource(temp);
      throw new NameRefusedError(file.rel_path, (err as DavHttpError).status);
    } else throw err;
  }
  await markFileUploaded(t.ctx, t.jobId, file.seq);
  t.progress.sent(file.seq, file.size);
}

/**
 * The final name is taken. These very bytes there (size, then read back against the digests of intake) are this run's own
 * earlier MOVE whose record a crash lost: accept it. Anything else is not this run's to replace.
 */
async function adoptOrRefuse(t: Transfer, file: RunFile, temp: string[], final: string[], err: DavHttpError): Promise<void> {
  const there = await t.dav.statFile(final);
  // Nothing under the final name after a 404: the temporary went missing; that MOVE simply failed.
  if (there === null && !(err instanceof DestinationExistsError)) throw err;
  const same =
    there !== null &&
    !there.collection &&
    there.size === file.size &&
    (await nasFileMatches(t.dav, t.ctx.deps.stores.runFiles, t.jobId, file, final, t.ctx.signal));
  // The temporary is this job's own, under a name made from its id: it goes either way.
  await t.dav.deleteResource(temp);
  if (!same)
    throw new NasConflictError(
      `${file.rel_path}: the run's NAS folder already holds something else under this name; it was not overwritten`,
    );
}

/**
 * A 400/414/500 for a long name, from a NAS that answers the run's folder: the NAS refuses the name
 * (nephele keeps "<name>.nephelemeta" beside each file, so names near 255 bytes fail there), not a fault
 * that a retry would get past.
 */
async function refusesName(t: Transfer, err: unknown, final: string[]): Promise<boolean> {
  if (!(err instanceof DavHttpError) || ![400, 414, 500].includes(err.status)) return false;
  if (new TextEncoder().encode(final[final.length - 1]).length <= LONG_NAME_BYTES) return false;
  try {
    await t.dav.propfind(t.folder, 0);
    return true;
  } catch {
    return false;
  }
}
