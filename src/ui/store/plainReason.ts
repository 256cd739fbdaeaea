// A job's last_error starts with a stable code (queue/classify.ts); the technician gets words and an action.
import { failureCode } from '../../worker/queue/classify';

const REASONS: Record<string, string> = {
  auth: 'Wrong NAS user or password. Fix them in Settings, then Retry.',
  local_file_vanished: 'A file of this run is gone from the device. It cannot be synced; discard the run and add it again.',
  nas_full: 'The NAS is full. Ask the NAS administrator to free space, then Retry.',
  nas_unreachable: 'The NAS could not be reached. Check the network and the NAS URL in Settings.',
  connection_lost: 'The connection to the NAS broke during the upload. Retry when the network is steady.',
  nas_stalled: 'The NAS stopped answering in the middle of a transfer. Retry; if it keeps happening, tell the NAS administrator.',
  nas_locked: 'A file is locked on the NAS (someone has it open). Close it there, then Retry.',
  nas_error: 'The NAS answered with an error. Retry; if it keeps happening, tell the NAS administrator.',
  nas_redirect: 'The NAS URL redirects elsewhere. Enter the final URL in Settings, then Retry.',
  nas_refused: 'The NAS refused the upload. Check the NAS folder and permissions in Settings.',
  nas_protocol: 'The NAS sent an answer that is not valid WebDAV. Tell the NAS administrator.',
  too_large: 'A file is larger than the NAS accepts. Ask the NAS administrator to raise the upload limit.',
  verify_mismatch: 'The copy on the NAS differs from the device. Retry sends the differing files again.',
  stopped_by_operator: 'Stopped by an operator.',
  internal: 'Something unexpected went wrong. Retry; the detail below helps support.',
};

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
  const known = failure ? REASONS[failure.code] : undefined;
  if (!failure || !known) return { text: lastError, detail: lastError };
  if (failure.code === 'stopped_by_operator') return { text: `${known} Reason: ${failure.message}`, detail: lastError };
  return { text: known, detail: lastError };
}
