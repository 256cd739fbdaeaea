// When a verified run's device copy may be freed, and when a cleaned job leaves the history.
// Instants are read with Date.parse, as the engine always has: one it cannot read (NaN) never expires.

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A VERIFIED run has been kept `retentionHours` since it was verified: its device copy may go. */
export function retentionOver(verifiedAt: string | null, retentionHours: number, nowMs: number): boolean {
  return !!verifiedAt && Date.parse(verifiedAt) + retentionHours * HOUR_MS <= nowMs;
}

/**
 * A CLEANED job is kept in the history `historyDays` after its retention ended (counted from when it
 * was queued if it has no verified time).
 */
export function historyExpired(
  job: { verified_at: string | null; enqueued_at: string },
  keep: { retentionHours: number; historyDays: number },
  nowMs: number,
): boolean {
  const since = Date.parse(job.verified_at ?? job.enqueued_at) + keep.retentionHours * HOUR_MS;
  return since + keep.historyDays * DAY_MS <= nowMs;
}
