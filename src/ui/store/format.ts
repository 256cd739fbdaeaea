import type { SyncJobState } from '../../shared/state';

export const STATE_LABELS: Record<SyncJobState, string> = {
  queued: 'Queued',
  running: 'Uploading',
  awaiting_verify: 'Verifying',
  verified: 'Verified',
  cleanup_eligible: 'Ready to free space',
  cleaned: 'Done, space freed',
  failed: 'Failed',
};

/** "in 1 m 40 s", "now", or "" when no retry is planned. */
export function formatRetryIn(nextAttemptAt: string | null, nowMs: number): string {
  if (!nextAttemptAt) return '';
  const due = Date.parse(nextAttemptAt);
  if (Number.isNaN(due)) return nextAttemptAt;
  const seconds = Math.ceil((due - nowMs) / 1000);
  if (seconds <= 0) return 'due now';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [h ? `${h} h` : '', m ? `${m} m` : '', !h && s ? `${s} s` : ''].filter(Boolean);
  return `in ${parts.join(' ')}`;
}

export function formatTime(iso: string | null): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toLocaleString();
}

/** A run's name is the last folder of its NAS path; the local run path is only the device's bookkeeping. */
export function runName(job: { nas_path: string | null; run_path: string }): string {
  return job.nas_path?.split('/').filter(Boolean).pop() ?? job.run_path;
}
