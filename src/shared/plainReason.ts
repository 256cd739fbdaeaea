// A job's last_error starts with a stable code (failures.ts); the technician gets words and an action.
import { FAILURE_REASONS, failureCode } from './failures';

export interface PlainReason {
  /** What happened and what to do, for the technician. */
  text: string;
  /** The stored error, for whoever supports them. */
  detail: string;
}

/** The words for a job's last error; text typed by a person is shown as it was typed. */
export function plainReason(lastError: string | null): PlainReason | null {
  if (!lastError) return null;
  const failure = failureCode(lastError);
  if (!failure) return { text: lastError, detail: lastError };
  const known = FAILURE_REASONS[failure.code];
  if (failure.code === 'stopped_by_operator') return { text: `${known} Reason: ${failure.message}`, detail: lastError };
  return { text: known, detail: lastError };
}
