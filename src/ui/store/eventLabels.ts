import { type EventKind, isEventKind } from '../../shared/eventKinds';

// The worker's job_events kinds, as a technician reads them: one label for each kind, checked by the type.
const LABELS: Record<EventKind, string> = {
  enqueued: 'Stored on the device and queued',
  'nas-folder': 'NAS folder',
  'upload-started': 'Upload started',
  uploaded: 'All files uploaded',
  'verify-pass': 'Verify pass done',
  verified: 'Verified on the NAS',
  offline: 'NAS unreachable; waiting',
  interrupted: 'Interrupted (paused or settings changed); waiting',
  'retry-scheduled': 'Failed; retry scheduled',
  failed: 'Failed',
  retried: 'Retried',
  stopped: 'Stopped by an operator',
  kept: 'Device copy kept: verified on another NAS',
  'local-delete': 'Freeing the device copy',
  cleaned: 'Device copy freed',
};

/** A kind this version does not know (written by a newer one) is shown as it is stored. */
export function eventLabel(kind: string): string {
  return isEventKind(kind) ? LABELS[kind] : kind;
}
