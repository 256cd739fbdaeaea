import { describe, expect, it } from 'vitest';
import { ALL_STATES, SyncJobState } from './state';
import { currentError, pendingAttemptAt } from './currentFacts';

const earlier = { last_error: 'nas_error: PUT /dav/a answered 500', next_attempt_at: '2025-06-01T10:00:30Z' };

describe('what of a job row is still true', () => {
  it.each(ALL_STATES)('%s', (state) => {
    const job = { state, ...earlier };
    const before = ['queued', 'running', 'awaiting_verify', 'failed'].includes(state);
    expect(currentError(job)).toBe(before ? earlier.last_error : null);
    expect(pendingAttemptAt(job)).toBe(state === SyncJobState.QUEUED ? earlier.next_attempt_at : null);
  });

  it('an empty next attempt (a FAILED job) is none', () => {
    expect(pendingAttemptAt({ state: SyncJobState.QUEUED, last_error: null, next_attempt_at: '' })).toBeNull();
  });
});
