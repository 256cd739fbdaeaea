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
  constructor(message: string, readonly column: string | null) {
    super(message);
  }
}

/** Stable codes of the refusals the worker API reports as data. */
export type ApiErrorCode =
  | 'unknown-job'
  | 'duplicate-run-path'
  | 'invalid-input'
  | 'illegal-move'
  | 'not-owner'
  | 'storage';

export interface ApiError {
  code: ApiErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ApiErrorCode, message: string): Result<never> => ({ ok: false, error: { code, message } });

/** A move the state machine does not allow (queue/state.ts LEGAL_MOVES). */
export class IllegalMoveError extends Error {
  override name = 'IllegalMoveError';
  constructor(message: string) {
    super(message);
  }
}
