import { describe, expect, test } from 'vitest';
import { BACKOFF_SCHEDULE_SECONDS, MAX_ATTEMPTS, computeNextAttemptAt } from './backoff';
import { ALL_STATES, LEGAL_MOVES, canRetry, isLegalMove, isTerminal, planFailure, verifyPassOutcome } from './state';
import { formatInstant, parseInstant } from './time';

describe('legal moves (../shared/seed/README.md)', () => {
  const legal = new Set([
    'queued>running',
    'queued>queued',
    'queued>failed',
    'running>awaiting_verify',
    'running>queued',
    'running>failed',
    'awaiting_verify>awaiting_verify',
    'awaiting_verify>verified',
    'awaiting_verify>queued',
    'awaiting_verify>failed',
    'verified>cleanup_eligible',
    'verified>failed',
    'cleanup_eligible>cleaned',
    'cleanup_eligible>failed',
  ]);
  for (const from of ALL_STATES) {
    for (const to of ALL_STATES) {
      test(`${from} -> ${to} is ${legal.has(`${from}>${to}`) ? 'legal' : 'refused'}`, () => {
        expect(isLegalMove(from, to)).toBe(legal.has(`${from}>${to}`));
      });
    }
  }
  test('terminal states have no moves; only FAILED can be retried', () => {
    for (const s of ALL_STATES) {
      expect(LEGAL_MOVES[s].length === 0).toBe(isTerminal(s));
      expect(canRetry(s)).toBe(s === 'failed');
    }
  });
});

test('planFailure: terminal and the fifth counted failure fail the job, others back off', () => {
  expect(planFailure({ attempts: 0 }, true, MAX_ATTEMPTS)).toBe('failed');
  for (let attempts = 0; attempts < MAX_ATTEMPTS - 1; attempts++) {
    expect(planFailure({ attempts }, false, MAX_ATTEMPTS)).toBe('queued');
  }
  expect(planFailure({ attempts: MAX_ATTEMPTS - 1 }, false, MAX_ATTEMPTS)).toBe('failed');
});

test.each([
  [0, 1, { passes: 1, state: 'verified', event: 'verified' }],
  [0, 2, { passes: 1, state: 'awaiting_verify', event: 'verify-pass' }],
  [1, 2, { passes: 2, state: 'verified', event: 'verified' }],
  [2, 3, { passes: 3, state: 'verified', event: 'verified' }],
  [4, 3, { passes: 5, state: 'verified', event: 'verified' }],
])('verifyPassOutcome(%i passes before, %i needed)', (before, needed, outcome) => {
  expect(verifyPassOutcome(before, needed)).toEqual(outcome);
});

test('backoff follows 30 s, 2 m, 8 m, 30 m, 2 h', () => {
  const now = '2025-01-01T00:00:00Z';
  const delays = [1, 2, 3, 4, 5].map((n) => (parseInstant(computeNextAttemptAt(n, now)!) - parseInstant(now)) / 1000);
  expect(delays).toEqual([...BACKOFF_SCHEDULE_SECONDS]);
  expect(computeNextAttemptAt(0, now)).toBeNull();
  expect(computeNextAttemptAt(6, now)).toBeNull();
});

test('instants: naive is UTC, offsets convert, fractions truncate', () => {
  expect(formatInstant(parseInstant('2025-01-01T12:00:00'))).toBe('2025-01-01T12:00:00Z');
  expect(formatInstant(parseInstant('2025-01-01T14:00:00+02:00'))).toBe('2025-01-01T12:00:00Z');
  expect(formatInstant(parseInstant('2025-01-01T12:00:29.999999Z'))).toBe('2025-01-01T12:00:29Z');
  expect(() => parseInstant('yesterday')).toThrow(RangeError);
});
