import { expect, test } from 'vitest';
import { IDLE_RECHECK_MS, msUntilDue, probeDelayMs } from './schedule';

test.each([
  [0, 1_000],
  [1, 2_000],
  [2, 5_000],
  [3, 10_000],
  [4, 30_000],
  [5, 30_000],
  [50, 30_000],
])('probe %i waits %i ms', (attempt, ms) => {
  expect(probeDelayMs(attempt)).toBe(ms);
});

const now = Date.parse('2025-06-01T10:00:00Z');
test.each([
  ['nothing waiting', null, IDLE_RECHECK_MS],
  ['due in 30 s', '2025-06-01T10:00:30Z', 30_000],
  ['due now', '2025-06-01T10:00:00Z', 0],
  ['overdue', '2025-06-01T09:00:00Z', 0],
  ['due in an hour: look again within the idle recheck', '2025-06-01T11:00:00Z', IDLE_RECHECK_MS],
])('msUntilDue, %s: %i ms', (_what, next, ms) => {
  expect(msUntilDue(next, now)).toBe(ms);
});
