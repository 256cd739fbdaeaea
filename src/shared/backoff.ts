import { formatInstant, parseInstant } from './time';

/** The seed's retry schedule in seconds: 30 s, 2 m, 8 m, 30 m, 2 h (§7.1.5). */
export const BACKOFF_SCHEDULE_SECONDS: readonly number[] = [30, 120, 480, 1800, 7200];
export const MAX_ATTEMPTS = 5;

/**
 * When to try again after a failure, given `attempts` AFTER the failure was counted:
 *   - attemptsAfter < 1 or > MAX_ATTEMPTS: null (no further attempt);
 *   - otherwise now + BACKOFF_SCHEDULE_SECONDS[attemptsAfter - 1], as the seed formats it.
 * recordFailure makes the fifth failure terminal, so it never asks for the 7200 s step; the seed's
 * function still answers it and so does this one.
 */
export function computeNextAttemptAt(attemptsAfter: number, now: string | Date): string | null {
  if (attemptsAfter < 1 || attemptsAfter > MAX_ATTEMPTS) return null;
  const delaySeconds = BACKOFF_SCHEDULE_SECONDS[attemptsAfter - 1];
  // Truncate `now` to whole seconds first, as the seed does (fraction dropped before and after adding).
  const nowMs = Math.floor(parseInstant(now) / 1000) * 1000;
  return formatInstant(nowMs + delaySeconds * 1000);
}
