// The kinds of line a job's history (job_events) holds, each with when the worker writes it. The worker
// writes no other kind; the page gives each one its words (ui/store/eventLabels.ts).

export const EVENT_KINDS = {
  enqueued: 'a run and its file list were committed with the job (intake)',
  'nas-folder': "the run's NAS folder changed: the planned one was not free, or one was left as it is",
  'upload-started': 'the engine took a QUEUED job and began sending its files',
  uploaded: 'every file is on the NAS under its final name; the job awaits verification',
  'verify-pass': 'a verify pass matched and more passes are asked for',
  verified: 'the last verify pass matched: the copy on the NAS is whole',
  offline: 'the NAS could not be reached; the job waits without spending an attempt',
  interrupted: 'syncing was paused or the NAS settings changed mid-transfer; the job waits without spending an attempt',
  'retry-scheduled': 'a failure was counted and the next attempt planned by the backoff',
  failed: 'a failure ended the job: terminal, or the last attempt spent',
  retried: 'an operator retried a failed job (Retry, or Retry all with the note "Retry all")',
  stopped: 'an operator stopped the run for good, with the reason',
  kept: 'the device copy is kept: the run was verified on a NAS the settings no longer name',
  'local-delete': 'the retention is over; the device copy is being deleted',
  cleaned: 'the device copy is gone; the job keeps its history',
} as const;

export type EventKind = keyof typeof EVENT_KINDS;

export const isEventKind = (kind: string): kind is EventKind => Object.hasOwn(EVENT_KINDS, kind);
