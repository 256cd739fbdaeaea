// How long the sync engine waits between turns: for the next due job, or before trying an absent NAS again.

/** The longest the engine sleeps with nothing to do before it looks again. */
export const IDLE_RECHECK_MS = 60_000;

/** Waits between tries of a NAS that does not answer; the last one repeats. */
export const PROBE_DELAYS_MS: readonly number[] = [1_000, 2_000, 5_000, 10_000, 30_000];

/** The wait before probe number `attempt + 1` (attempt counts from 0). */
export function probeDelayMs(attempt: number): number {
  return PROBE_DELAYS_MS[Math.min(attempt, PROBE_DELAYS_MS.length - 1)];
}

/** Milliseconds until the next retry is due (`nextAttemptAt`, or none), within 0 and IDLE_RECHECK_MS. */
export function msUntilDue(nextAttemptAt: string | null, nowMs: number): number {
  const dueMs = nextAttemptAt ? Date.parse(nextAttemptAt) - nowMs : IDLE_RECHECK_MS;
  return Math.max(0, Math.min(dueMs, IDLE_RECHECK_MS));
}
