import type { Database, SqlValue } from '@sqlite.org/sqlite-wasm';
import type { EventKind } from '../../shared/eventKinds';
import { all, run } from './statements';
import type { TransactionRunner } from './transactionRunner';

// A job's history (job_events): one line per thing that happened to it, oldest first. Other stores
// write their line through addEventRow inside their own transaction, so the row and its line go together.

/** One line of a job's history. */
export interface JobEvent {
  id: number;
  job_id: string;
  at: string;
  kind: EventKind;
  detail: string | null;
}

export class History {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly clock: () => number,
  ) {}

  async addEvent(jobId: string, kind: EventKind, detail: string | null = null): Promise<void> {
    return this.runner.write([jobId], (db) => addEventRow(db, jobId, kind, detail, this.clock()));
  }

  async listEvents(jobId: string): Promise<JobEvent[]> {
    return this.runner.read((db) =>
      all(db, 'SELECT id, job_id, at, kind, detail FROM job_events WHERE job_id = ? ORDER BY id', [jobId]).map(toEvent),
    );
  }

  /** The last `limit` lines of every job's history, oldest first (for the support file). */
  async recentEvents(limit: number): Promise<JobEvent[]> {
    return this.runner.read((db) =>
      all(db, 'SELECT id, job_id, at, kind, detail FROM job_events ORDER BY id DESC LIMIT ?', [limit]).map(toEvent).reverse(),
    );
  }
}

function toEvent(r: Record<string, SqlValue>): JobEvent {
  return {
    id: Number(r.id),
    job_id: String(r.job_id),
    at: String(r.at),
    // Only this table's writers store kinds, and they take an EventKind.
    kind: String(r.kind) as EventKind,
    detail: r.detail === null ? null : String(r.detail),
  };
}

/** One history line at `nowMs`, with milliseconds (the jobs table keeps whole seconds, as the seed does). */
export function addEventRow(db: Database, jobId: string, kind: EventKind, detail: string | null, nowMs: number): void {
  run(db, 'INSERT INTO job_events (job_id, at, kind, detail) VALUES (?, ?, ?, ?)', [jobId, new Date(nowMs).toISOString(), kind, detail]);
}

export function deleteEventRows(db: Database, jobId: string): void {
  run(db, 'DELETE FROM job_events WHERE job_id = ?', [jobId]);
}
