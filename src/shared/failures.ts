// Why a job failed: one stable code per cause, the first word of the job's last_error, and the words a
// technician gets for it (what happened and what to do). The worker writes codes; the page reads them.

/** Every failure code the engine or an operator writes, with its plain reason. */
export const FAILURE_REASONS = {
  auth: 'Wrong NAS user or password. Fix them in Settings, then Retry.',
  local_file_vanished:
    'A file of this run is gone from the device, or its device copy is damaged. It cannot be synced as it is: queue the run again from the instrument, and discard this one once the new one is verified.',
  nas_full: 'The NAS is full. Ask the NAS administrator to free space, then Retry.',
  nas_unreachable: 'The NAS could not be reached. Check the network and the NAS URL in Settings.',
  connection_lost: 'The connection to the NAS broke during the upload. Retry when the network is steady.',
  nas_stalled: 'The NAS stopped answering in the middle of a transfer. Retry; if it keeps happening, tell the NAS administrator.',
  nas_locked: 'A file is locked on the NAS (someone has it open). Close it there, then Retry.',
  nas_error: 'The NAS answered with an error. Retry; if it keeps happening, tell the NAS administrator.',
  nas_redirect: 'The NAS URL redirects elsewhere. Enter the final URL in Settings, then Retry.',
  nas_refused: 'The NAS refused the upload. Check the NAS folder and permissions in Settings.',
  nas_protocol: 'The NAS sent an answer that is not valid WebDAV. Tell the NAS administrator.',
  nas_answer_too_large:
    'The NAS sent a far larger answer than a WebDAV folder listing needs, and it was not read. Tell the NAS administrator; a run folder with fewer files also avoids it.',
  too_large: 'A file is larger than the NAS accepts. Ask the NAS administrator to raise the upload limit.',
  verify_mismatch: 'The copy on the NAS differs from the device. Retry sends the differing files again.',
  nas_conflict:
    "The run's folder on the NAS holds a file this run did not write. Nothing there was overwritten; Retry sends the whole run to a new folder.",
  nas_copy_changed:
    'The copy on the NAS changed after it was verified (a file is missing or different). The device copy was kept; Retry sends the whole run to a new folder.',
  nas_name_refused:
    'The NAS refuses one file name of this run (often: too long for it). Rename the file, discard this run and add it again.',
  no_files: 'This job has no files on the device, so there is nothing to send. Discard it and add the run with its files.',
  stopped_by_operator: 'Stopped by an operator.',
  internal: 'Something unexpected went wrong. Retry; the detail below helps support.',
} as const;

export type FailureCode = keyof typeof FAILURE_REASONS;

export const isFailureCode = (code: string): code is FailureCode => Object.hasOwn(FAILURE_REASONS, code);

/** A job's last_error: the stable code first, then the words ("auth: PUT ... answered 401 ..."). */
export function formatFailure(code: FailureCode, message: string): string {
  return `${code}: ${message}`;
}

/** The stable code at the head of a last_error written by formatFailure, or null for text typed by hand. */
export function failureCode(lastError: string): { code: FailureCode; message: string } | null {
  const match = /^([a-z_]+): ?([\s\S]*)$/.exec(lastError);
  return match && isFailureCode(match[1]) ? { code: match[1], message: match[2] } : null;
}
