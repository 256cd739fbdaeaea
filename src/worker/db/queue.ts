// db/ holds all the SQL: open.ts opens the database, schema.ts migrates it, transactionRunner.ts runs each call
// in a group commit; here the seed's SyncQueue; beside it one store per other concern, built together in stores.ts.
import { MAX_ATTEMPTS, computeNextAttemptAt } from '../../shared/backoff';
import type { EventKind } from '../../shared/eventKinds';
import { SyncJobState, isTerminal, planFailure } from '../../shared/state';
import { formatInstant, parseInstant } from '../../shared/time';
import { addEventRow, deleteEventRows } from './history';
import {
  type InsertArgs,
  type JobGuard,
  type SyncJobRow,
  type TransitionPatch,
  insertJobRow,
  requeueJobRow,
  requireJob,
  selectJob,
  selectJobs,
  transitionJobRow,
} from './jobRows';
import { deleteFileRows } from './runFiles';
import { run } from './statements';
import { deleteClaimRow } from './claims';
import type { TransactionRunner } from './transactionRunner';

export interface RecordFailureOptions {
  terminal?: boolean;
  now?: string | Date;
  /**
   * A line for the job's history, written in the same transaction as the failure (so a crash cannot
   * keep one without the other); its kind defaults to "failed" or "retry-scheduled" by the outcome.
   */
  event?: { kind?: EventKind; detail: string };
}

export interface SyncQueueOptions {
  /** Milliseconds since the epoch; insert() stamps enqueued_at with it. */
  clock?: () => number;
}

/**
 * The seed's SyncQueue (sync_queue.py) on SQLite WASM, method for method. Each call is one transaction
 * of the runner it shares with the other stores; a guard, where a method takes one, runs inside it.
 */
export class SyncQueue {
  private readonly clock: () => number;

  constructor(
    private readonly runner: TransactionRunner,
    options: SyncQueueOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /** Open the database, migrate the schema, and re-queue jobs left RUNNING by a previous process. */
  async init(): Promise<void> {
    await this.runner.open();
    // Replay (§7.1.2): only the state column changes; AWAITING_VERIFY is left for the verifier.
    await this.runner.write([], (db) => {
      run(db, 'UPDATE jobs SET state = ? WHERE state = ?', [SyncJobState.QUEUED, SyncJobState.RUNNING]);
    });
  }

  /** Close the connection after the calls already queued have finished (idempotent). */
  async close(): Promise<void> {
    await this.runner.close();
  }

  async insert(args: InsertArgs): Promise<SyncJobRow> {
    return this.runner.write([], (db) => insertJobRow(db, args, this.clock()));
  }

  async getById(jobId: string): Promise<SyncJobRow | null> {
    return this.runner.read((db) => selectJob(db, 'WHERE id = ?', [jobId]));
  }

  async getByRunPath(runPath: string): Promise<SyncJobRow | null> {
    return this.runner.read((db) => selectJob(db, 'WHERE run_path = ?', [runPath]));
  }

  async listInState(state: SyncJobState): Promise<SyncJobRow[]> {
    return this.runner.read((db) => selectJobs(db, 'WHERE state = ? ORDER BY enqueued_at', [state]));
  }

  async listAll(): Promise<SyncJobRow[]> {
    return this.runner.read((db) => selectJobs(db, 'ORDER BY enqueued_at', []));
  }

  /** Set the state and patch the other columns in one UPDATE; throws UnknownJobError on a miss. */
  async transition(jobId: string, newState: SyncJobState, patch: TransitionPatch = {}, guard?: JobGuard): Promise<SyncJobRow> {
    return this.runner.write([jobId], (db) => {
      guard?.(requireJob(db, jobId));
      return transitionJobRow(db, jobId, newState, patch);
    });
  }

  /**
   * Record a transport failure (the seed's record_failure): terminal -> FAILED at once; otherwise count
   * the attempt and either back off in QUEUED or, at MAX_ATTEMPTS, go to FAILED.
   */
  async recordFailure(jobId: string, error: string | null, options: RecordFailureOptions = {}, guard?: JobGuard): Promise<SyncJobRow> {
    return this.runner.write([jobId], (db) => {
      const existing = requireJob(db, jobId);
      guard?.(existing);
      const nowMs = options.now === undefined ? this.clock() : parseInstant(options.now);
      const target = planFailure(existing, options.terminal ?? false, MAX_ATTEMPTS);
      const nextAttemptAt = target === SyncJobState.FAILED ? '' : (computeNextAttemptAt(existing.attempts + 1, new Date(nowMs)) ?? '');
      const after = transitionJobRow(db, jobId, target, {
        incrementAttempts: !options.terminal,
        lastError: error,
        lastAttemptAt: formatInstant(nowMs),
        nextAttemptAt,
      });
      if (options.event) {
        const kind = options.event.kind ?? (after.state === SyncJobState.FAILED ? 'failed' : 'retry-scheduled');
        addEventRow(db, jobId, kind, options.event.detail, this.clock());
      }
      return after;
    });
  }

  /** The user's Retry: back to QUEUED with attempts, errors and timestamps cleared (verify_passes kept). */
  async resetToQueued(jobId: string, guard?: JobGuard): Promise<SyncJobRow> {
    return this.runner.write([jobId], (db) => {
      const existing = requireJob(db, jobId);
      guard?.(existing);
      return requeueJobRow(db, jobId, null, this.clock());
    });
  }

  /** Remove a job row, its file list and its history in one transaction; a miss is not an error unless a guard asks. */
  async delete(jobId: string, guard?: JobGuard): Promise<void> {
    return this.runner.write([jobId], (db) => {
      if (guard) guard(requireJob(db, jobId));
      run(db, 'DELETE FROM jobs WHERE id = ?', [jobId]);
      deleteFileRows(db, jobId);
      deleteEventRows(db, jobId);
      deleteClaimRow(db, jobId);
    });
  }

  static isTerminal(state: string): boolean {
    return isTerminal(state);
  }

  static computeNextAttemptAt(attemptsAfter: number, now: string | Date = new Date()): string | null {
    return computeNextAttemptAt(attemptsAfter, now);
  }
}
