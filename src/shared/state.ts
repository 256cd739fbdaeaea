// shared/: pure code both threads import (no I/O, no clock): states and legal moves, backoff, NAS folder
// planning and names, failure and refusal words, settings rules. state.ts: the seed's state machine.

export const SyncJobState = {
  QUEUED: 'queued',
  RUNNING: 'running',
  AWAITING_VERIFY: 'awaiting_verify',
  VERIFIED: 'verified',
  CLEANUP_ELIGIBLE: 'cleanup_eligible',
  CLEANED: 'cleaned',
  FAILED: 'failed',
} as const;
export type SyncJobState = (typeof SyncJobState)[keyof typeof SyncJobState];

export const ALL_STATES: readonly SyncJobState[] = Object.values(SyncJobState);

const TERMINAL_STATES: ReadonlySet<string> = new Set([SyncJobState.FAILED, SyncJobState.CLEANED]);

/** True for FAILED and CLEANED; any other value, unknown strings included, is not terminal (as in the seed). */
export function isTerminal(state: string): boolean {
  return TERMINAL_STATES.has(state);
}

export function isSyncJobState(value: unknown): value is SyncJobState {
  return typeof value === 'string' && (ALL_STATES as readonly string[]).includes(value);
}

/**
 * The moves the engine and the worker API may ask for. The queue's `transition` stays as permissive as
 * the seed's; this table is what the layer above enforces.
 * FAILED -> QUEUED is absent on purpose: only the user's Retry (resetToQueued) makes it.
 */
export const LEGAL_MOVES: Readonly<Record<SyncJobState, readonly SyncJobState[]>> = {
  queued: ['running', 'queued', 'failed'],
  running: ['awaiting_verify', 'queued', 'failed'],
  awaiting_verify: ['awaiting_verify', 'verified', 'queued', 'failed'],
  verified: ['cleanup_eligible', 'failed'],
  cleanup_eligible: ['cleaned', 'failed'],
  cleaned: [],
  failed: [],
};

export function isLegalMove(from: SyncJobState, to: SyncJobState): boolean {
  return LEGAL_MOVES[from].includes(to);
}

/** Retry is legal from FAILED only. */
export function canRetry(state: SyncJobState): boolean {
  return state === SyncJobState.FAILED;
}

/** A job row may be deleted once nothing more will happen to it: the seed's reaper deletes CLEANED rows. */
export function canDelete(state: SyncJobState): boolean {
  return isTerminal(state);
}

/**
 * Where the seed's recordFailure sends a job (§7.1.5): terminal failures and the fifth counted
 * failure go to FAILED; any other failure back to QUEUED with a backoff.
 */
export function planFailure(job: { attempts: number }, terminal: boolean, maxAttempts: number): SyncJobState {
  if (terminal || job.attempts + 1 >= maxAttempts) return SyncJobState.FAILED;
  return SyncJobState.QUEUED;
}

/**
 * Where one good verify pass leaves a job that had `passesBefore`: VERIFIED once `needed` passes are
 * done, else AWAITING_VERIFY for another; with the history event that says which.
 */
export function verifyPassOutcome(
  passesBefore: number,
  needed: number,
): { passes: number; state: SyncJobState; event: 'verified' | 'verify-pass' } {
  const passes = passesBefore + 1;
  const done = passes >= needed;
  return {
    passes,
    state: done ? SyncJobState.VERIFIED : SyncJobState.AWAITING_VERIFY,
    event: done ? 'verified' : 'verify-pass',
  };
}
