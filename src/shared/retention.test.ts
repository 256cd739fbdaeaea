import { describe, expect, test } from 'vitest';
import { historyExpired, retentionOver } from './retention';

const now = Date.parse('2025-06-02T10:00:00Z');

describe('retentionOver', () => {
  test.each([
    ['verified a day ago, 24 h retention', '2025-06-01T10:00:00Z', 24, true],
    ['verified a day and a second ago, 24 h', '2025-06-01T09:59:59Z', 24, true],
    ['verified a second short of a day, 24 h', '2025-06-01T10:00:01Z', 24, false],
    ['verified now, no retention', '2025-06-02T10:00:00Z', 0, true],
    ['verified in the future, no retention', '2025-06-02T10:00:01Z', 0, false],
    ['no verified time', null, 0, false],
    ['an empty verified time', '', 0, false],
    ['an unreadable verified time', 'yesterday', 0, false],
  ] as [string, string | null, number, boolean][])('%s: %s', (_what, verifiedAt, hours, over) => {
    expect(retentionOver(verifiedAt, hours, now)).toBe(over);
  });
});

describe('historyExpired', () => {
  const keep = { retentionHours: 24, historyDays: 30 };
  test.each([
    ['verified 31 days ago: retention 1 day + history 30 days', '2025-05-02T10:00:00Z', '2025-01-01T00:00:00Z', keep, true],
    ['verified a second later', '2025-05-02T10:00:01Z', '2025-01-01T00:00:00Z', keep, false],
    ['never verified: counted from the enqueue', null, '2025-05-02T10:00:00Z', keep, true],
    ['never verified, queued a second later', null, '2025-05-02T10:00:01Z', keep, false],
    ['no retention, no history: gone at once', '2025-06-02T10:00:00Z', '2025-06-01T00:00:00Z', { retentionHours: 0, historyDays: 0 }, true],
    ['an unreadable time never expires', 'junk', '2025-01-01T00:00:00Z', keep, false],
  ] as [string, string | null, string, typeof keep, boolean][])('%s: %s', (_what, verified_at, enqueued_at, k, expired) => {
    expect(historyExpired({ verified_at, enqueued_at }, k, now)).toBe(expired);
  });
});
