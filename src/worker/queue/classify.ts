// queue/: what a failure means for its job (classify.ts), on the typed errors of errors.ts; the state
// machine and backoff it leads to are pure code in src/shared/.
import {
  DavHttpError,
  DavProtocolError,
  LocalFileMissingError,
  NameRefusedError,
  NasConflictError,
  NasRedirectError,
  NetworkError,
  NoFilesError,
  ResponseTooLargeError,
  TimeoutError,
  VerifyMismatchError,
} from '../errors';
import type { FailureCode } from '../../shared/failures';

/**
 * What a failure means for the job:
 *   - auth (401/403), local-missing, fatal (the NAS refuses for good, a name it will not take, a job with
 *     no files, a redirect): FAILED at once, no backoff;
 *   - transient (5xx, 507, 408, 423, 429, resets after an answer, mismatches, answers too large to
 *     read): the seed's backoff;
 *   - conflict (the run's folder holds what this job did not write): counted like transient, and the job
 *     gives the folder up, so the next attempt claims a fresh one;
 *   - unanswered (a gateway's 502/503/504, a stall): offline when the NAS then does not answer a probe
 *     either (the NAS is down behind a proxy, or black-holed), else transient;
 *   - offline (no answer at all): back to QUEUED without spending an attempt; wait for the NAS.
 */
export type FailureKind = 'auth' | 'local-missing' | 'offline' | 'unanswered' | 'transient' | 'conflict' | 'fatal';

export interface Failure {
  kind: FailureKind;
  /** Stable code, the first word of the job's last_error. */
  code: FailureCode;
  message: string;
}

export function classify(err: unknown): Failure {
  if (err instanceof NasRedirectError) {
    return { kind: 'fatal', code: 'nas_redirect', message: `${err.message}; enter the final URL in Settings` };
  }
  if (err instanceof DavHttpError) return classifyStatus(err);
  if (err instanceof ResponseTooLargeError) return { kind: 'transient', code: 'nas_answer_too_large', message: err.message };
  if (err instanceof NetworkError) return { kind: 'offline', code: 'nas_unreachable', message: err.message };
  if (err instanceof TimeoutError) return { kind: 'unanswered', code: 'nas_stalled', message: err.message };
  if (err instanceof NasConflictError) return { kind: 'conflict', code: 'nas_conflict', message: err.message };
  if (err instanceof NameRefusedError) return { kind: 'fatal', code: 'nas_name_refused', message: err.message };
  if (err instanceof NoFilesError) return { kind: 'fatal', code: 'no_files', message: err.message };
  if (err instanceof LocalFileMissingError) {
    return { kind: 'local-missing', code: 'local_file_vanished', message: err.detail ? `${err.relPath} (${err.detail})` : err.relPath };
  }
  if (err instanceof VerifyMismatchError) return { kind: 'transient', code: 'verify_mismatch', message: err.message };
  if (err instanceof DavProtocolError) return { kind: 'transient', code: 'nas_protocol', message: err.message };
  return { kind: 'transient', code: 'internal', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}

function classifyStatus(err: DavHttpError): Failure {
  const s = err.status;
  if (s === 401 || s === 403) return { kind: 'auth', code: 'auth', message: `${err.message} (check the NAS user and password)` };
  if (s === 413) {
    return {
      kind: 'fatal',
      code: 'too_large',
      message: `${err.message}: the NAS refuses a file this large; raise its upload limit (nginx: client_max_body_size)`,
    };
  }
  if (s === 507) return { kind: 'transient', code: 'nas_full', message: `${err.message}: the NAS is out of space` };
  if (s === 423) return { kind: 'transient', code: 'nas_locked', message: `${err.message}: the file is locked on the NAS` };
  // Something that is not the NAS answered "success" where WebDAV answers otherwise (a captive portal's
  // login page for a PROPFIND): the probe tells whether the NAS itself is there.
  if (s >= 200 && s < 300) return { kind: 'unanswered', code: 'nas_protocol', message: `${err.message}: not a WebDAV answer` };
  // A gateway (the deployment's nginx, a load balancer) answers these for a NAS it cannot reach.
  if (s === 502 || s === 503 || s === 504) return { kind: 'unanswered', code: 'nas_error', message: err.message };
  if (s >= 500 || s === 408 || s === 429 || s === 404 || s === 409) return { kind: 'transient', code: 'nas_error', message: err.message };
  if (s >= 300 && s < 400) {
    return { kind: 'fatal', code: 'nas_redirect', message: `${err.message}: the NAS URL redirects; enter the final URL in Settings` };
  }
  return { kind: 'fatal', code: 'nas_refused', message: err.message };
}

/** Terminal kinds go to FAILED with no backoff. */
export function isTerminalFailure(kind: FailureKind): boolean {
  return kind === 'auth' || kind === 'local-missing' || kind === 'fatal';
}
