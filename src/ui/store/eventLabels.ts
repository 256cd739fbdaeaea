// The worker's job_events kinds, as a technician reads them.
const LABELS: Record<string, string> = {
  enqueued: 'Stored on the device and queued',
  'upload-started': 'Upload started',
  uploaded: 'All files uploaded',
  'verify-pass': 'Verify pass done',
  verified: 'Verified on the NAS',
  offline: 'NAS unreachable; waiting',
  'retry-scheduled': 'Failed; retry scheduled',
  failed: 'Failed',
  retried: 'Retried',
  stopped: 'Stopped by an operator',
  'local-delete': 'Freeing the device copy',
  cleaned: 'Device copy freed',
};

export function eventLabel(kind: string): string {
  return LABELS[kind] ?? kind;
}
