import { formatBytes } from '../shared/formatBytes';
import { NasPathError } from '../shared/nasPath';
import type { RefusalCode } from '../shared/refusals';
// Typed errors. Across Comlink only `name`, `message` and `stack` survive a throw, so each class has a
// stable `name`; expected failures reach the UI as data (`Result`), never as a thrown error.

/** A job id the queue does not hold (the seed's ValueError "unknown job_id"). */
export class UnknownJobError extends Error {
  override name = 'UnknownJobError';
  constructor(readonly jobId: string) {
    super(`unknown job_id '${jobId}'`);
  }
}

/** A UNIQUE or NOT NULL constraint refused a write (the seed's IntegrityError). */
export class ConstraintError extends Error {
  override name = 'ConstraintError';
  constructor(
    message: string,
    readonly column: string | null,
  ) {
    super(message);
  }
}

/** SQLite could not grow the database: the device (or the browser's quota for this site) is full. */
export class DatabaseFullError extends Error {
  override name = 'DatabaseFullError';
  constructor() {
    super('The device storage is full; free some space, then try again.');
  }
}

/** Any other refusal by SQLite (I/O, corruption, a busy or read-only file): a fault, never expected. */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
  constructor(
    message: string,
    /** SQLite's extended result code, e.g. 266 for SQLITE_IOERR_READ. */
    readonly resultCode: number,
  ) {
    super(message);
  }
}

/** A refusal as data: a stable code (shared/refusals.ts), the words, and for an invalid input the field at fault. */
export interface ApiError {
  code: RefusalCode;
  message: string;
  field?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: RefusalCode, message: string): Result<never> => ({ ok: false, error: { code, message } });
/** An input a validator refused, naming the field so the page (and tests) need not read the words. */
export const invalidInput = (problem: { field: string; message: string }): Result<never> => ({
  ok: false,
  error: { code: 'invalid-input', message: problem.message, field: problem.field },
});

/**
 * The job is no longer in the state the engine's write expected: an operator acted on it (Stop syncing,
 * Record failure, Discard, Retry) while its work was in flight. The engine abandons that work quietly.
 */
export class JobChangedError extends Error {
  override name = 'JobChangedError';
  constructor(
    readonly jobId: string,
    readonly state: string | null,
  ) {
    super(`job ${jobId} is ${state ?? 'gone'} now; its work in flight is abandoned`);
  }
}

/** A move the state machine does not allow (queue/state.ts LEGAL_MOVES). */
export class IllegalMoveError extends Error {
  override name = 'IllegalMoveError';
  constructor(message: string) {
    super(message);
  }
}

/** The NAS answered with a status the operation does not accept. */
export class DavHttpError extends Error {
  override name = 'DavHttpError';
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly url: string,
  ) {
    super(`${operation} ${url} answered ${status}`);
  }
}

/**
 * The NAS answered with a redirect. Found before anything is sent again where the platform allows it:
 * fetch with `redirect: 'manual'` stops at the redirect (the browser then hides its status and Location:
 * status 0), and XHR uploads are preceded by such a fetch. `target` is where it leads, when known.
 */
export class NasRedirectError extends DavHttpError {
  override name = 'NasRedirectError';
  constructor(
    operation: string,
    status: number,
    url: string,
    readonly target: string | null,
  ) {
    super(operation, status, url);
    this.message = `${operation} ${url} is redirected ${target ? `to ${target}` : 'elsewhere (the browser does not say where)'}`;
  }
}

/**
 * MOVE with `Overwrite: F` found a resource under the destination name (412, on its own or inside a
 * 207): nothing was replaced. Measured: Apache, nginx, rclone, nephele and webdav-server all refuse so.
 */
export class DestinationExistsError extends DavHttpError {
  override name = 'DestinationExistsError';
  constructor(
    url: string,
    readonly destination: string,
  ) {
    super('MOVE', 412, url);
  }
}

/** No answer at all: no network, DNS, refused connection, CORS refusal (the browser hides which). */
export class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(
    readonly operation: string,
    readonly url: string,
  ) {
    super(`${operation} ${url}: no answer from the NAS`);
  }
}

/** The NAS stopped answering in the middle of an exchange. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(
    readonly operation: string,
    readonly url: string,
  ) {
    super(`${operation} ${url} timed out`);
  }
}

/** An answer larger than the engine will hold in memory for this request (a listing, a claim, a manifest). */
export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
  constructor(
    readonly operation: string,
    readonly url: string,
    readonly maxBytes: number,
  ) {
    super(`${operation} ${url}: the answer is larger than ${maxBytes} bytes, more than a WebDAV server sends for it`);
  }
}

/** The NAS sent something that is not what WebDAV promises (bad XML, a missing file in a listing). */
export class DavProtocolError extends Error {
  override name = 'DavProtocolError';
}

/**
 * The run's NAS folder holds something this job did not write where it was about to write (a final
 * name taken by other bytes, a claim that is no longer this job's). Nothing was overwritten.
 */
export class NasConflictError extends Error {
  override name = 'NasConflictError';
}

/** The NAS refuses one name of the run (nephele: 500 for names near 255 bytes) while it takes others. */
export class NameRefusedError extends Error {
  override name = 'NameRefusedError';
  constructor(
    readonly relPath: string,
    readonly status: number,
  ) {
    super(`${relPath}: the NAS answered ${status} for this name while it takes the run's other names`);
  }
}

/** Before the device copy was freed, the NAS folder was read again and no longer holds the verified run. */
export class NasCopyChangedError extends Error {
  override name = 'NasCopyChangedError';
}

/** A job with no files on the device: nothing to send, and no NAS folder of its to verify. */
export class NoFilesError extends Error {
  override name = 'NoFilesError';
}

/** A run file is no longer on the device, or its device copy is not what was picked (`detail` says). */
export class LocalFileMissingError extends Error {
  override name = 'LocalFileMissingError';
  constructor(
    readonly relPath: string,
    readonly detail: string | null = null,
  ) {
    super(`local_file_vanished: ${relPath}${detail ? ` (${detail})` : ''}`);
  }
}

/** The copy on the NAS differs from the device's. */
export class VerifyMismatchError extends Error {
  override name = 'VerifyMismatchError';
  constructor(
    message: string,
    readonly relPaths: string[],
  ) {
    super(message);
  }
}

/**
 * A picked file changed after it was picked (an instrument still writing it), or could no longer be read
 * (moved, deleted, its disk gone): what would be stored is not the file picked. A RangeError, so the page
 * is told it as input to fix.
 */
export class SourceChangedError extends RangeError {
  override name = 'SourceChangedError';
  constructor(
    readonly relPath: string | null,
    options?: ErrorOptions,
  ) {
    super(
      `${relPath === null ? 'A file' : `"${relPath}"`} changed after it was picked, or could no longer be read (is the instrument still writing it?); nothing of the run was kept. Pick the files again once they are complete, and queue the run.`,
      options,
    );
  }
}

/** The device has no room for a run. */
export class StorageFullError extends Error {
  override name = 'StorageFullError';
  constructor(
    readonly neededBytes: number,
    readonly freeBytes: number | null,
  ) {
    // The browser's estimate can disagree with its quota (it may say there is room when a write was
    // just refused); then only the fact is reported.
    const free =
      freeBytes !== null && freeBytes < neededBytes
        ? ` but the device has ${formatBytes(freeBytes)} free`
        : ' and the device ran out of space while storing it';
    super(`The run needs ${formatBytes(neededBytes)}${free}; free some space (or let verified runs be cleaned up), then try again.`);
  }
}

/** Intake made no progress for a while (a picked file that stopped answering, the device's storage); nothing was queued. */
export class IntakeStalledError extends Error {
  override name = 'IntakeStalledError';
  constructor(readonly waitedMs: number) {
    super(
      `Copying the run onto this device stopped: nothing could be read or written for ${Math.round(waitedMs / 1000)} s (a picked file that no longer answers, or the device's storage). Nothing was queued and the picked files are untouched; queue the run again, and reload the app if it happens again.`,
    );
  }
}

/**
 * The refusal an expected error becomes on the wire (a full device, a bad name, an unknown job, a move the
 * state machine forbids, a duplicate); anything else is a bug and is thrown on.
 */
export function refusalFor(err: unknown): Result<never> {
  if (err instanceof StorageFullError || err instanceof DatabaseFullError || err instanceof IntakeStalledError) {
    return fail('storage', err.message);
  }
  if (err instanceof NasPathError || err instanceof RangeError) return fail('invalid-input', err.message);
  if (err instanceof UnknownJobError) return fail('unknown-job', `There is no job ${err.jobId}; it may have been deleted.`);
  if (err instanceof IllegalMoveError) return fail('illegal-move', err.message);
  if (err instanceof ConstraintError) {
    if (err.column === 'run_path') return fail('duplicate-run-path', 'This run path is already in the queue.');
    if (err.column === 'id') return fail('invalid-input', 'A job with this id already exists.');
    return fail('invalid-input', err.message);
  }
  throw err;
}
