import type { SqlValue } from '@sqlite.org/sqlite-wasm';
import { SyncJobState } from '../../shared/state';
import { JOB_COLUMNS, type SyncJobRow, selectJobs, toJob } from './jobRows';
import { all, one } from './statements';
import type { TransactionRunner } from './transactionRunner';

// What the page lists: pages and windows of the jobs, filtered; counts per state; equipment ids; the size
// of each run. Reads only.

/** Where a page of the list starts: after this (enqueued_at, rowid). */
export interface PageCursor {
  enqueuedAt: string;
  rowid: number;
}

export interface JobPage {
  jobs: SyncJobRow[];
  next: PageCursor | null;
}

export type StateCounts = Record<SyncJobState, number>;

/** What the UI's list shows: all of these that are set must hold. */
export interface JobFilter {
  state?: SyncJobState;
  equipmentId?: string;
  /** Part of the run's name (its NAS folder or run path), any case. */
  search?: string;
}

/** A window of the filtered list, newest first, and how many jobs the filter matches in all. */
export interface JobRange {
  total: number;
  offset: number;
  jobs: SyncJobRow[];
}

export class Listing {
  constructor(private readonly runner: TransactionRunner) {}

  /** One page of jobs in enqueue order (ties in insertion order), optionally of one state. */
  async listPage(opts: { state?: SyncJobState; after?: PageCursor | null; limit: number }): Promise<JobPage> {
    return this.runner.read((db) => {
      const { where, bind } = filterTerms({ state: opts.state });
      if (opts.after) {
        where.push('(enqueued_at > ? OR (enqueued_at = ? AND rowid > ?))');
        bind.push(opts.after.enqueuedAt, opts.after.enqueuedAt, opts.after.rowid);
      }
      const sql = `SELECT rowid AS _rowid, ${JOB_COLUMNS} FROM jobs ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY enqueued_at, rowid LIMIT ?`;
      bind.push(opts.limit + 1);
      const rows = all(db, sql, bind);
      const more = rows.length > opts.limit;
      const pageRows = rows.slice(0, opts.limit);
      const last = pageRows[pageRows.length - 1];
      const jobs = pageRows.map((r) => {
        const { _rowid, ...row } = r;
        return toJob(row);
      });
      return { jobs, next: more && last ? { enqueuedAt: String(last.enqueued_at), rowid: Number(last._rowid) } : null };
    });
  }

  /**
   * Jobs `offset`..`offset + limit` of the filtered list, newest first. OFFSET walks only the
   * enqueued_at index, so any window of 100,000 jobs costs milliseconds; the virtual list needs that
   * random access, which keyset paging cannot give.
   */
  async listRange(filter: JobFilter, offset: number, limit: number): Promise<JobRange> {
    return this.runner.read((db) => {
      const { where, bind } = filterTerms(filter);
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = Number(one(db, `SELECT COUNT(*) AS n FROM jobs ${clause}`, bind)?.n ?? 0);
      const jobs = selectJobs(db, `${clause} ORDER BY enqueued_at DESC, rowid DESC LIMIT ? OFFSET ?`, [...bind, limit, offset]);
      return { total, offset, jobs };
    });
  }

  /** How many jobs are in each state, in one query. */
  async countByState(): Promise<StateCounts> {
    return this.runner.read((db) => {
      const counts = Object.fromEntries(Object.values(SyncJobState).map((s) => [s, 0])) as StateCounts;
      for (const r of all(db, 'SELECT state, COUNT(*) AS n FROM jobs GROUP BY state')) {
        if (String(r.state) in counts) counts[r.state as SyncJobState] = Number(r.n);
      }
      return counts;
    });
  }

  /** Every equipment id in the queue, in order. */
  async equipmentIds(): Promise<string[]> {
    return this.runner.read((db) =>
      all(db, 'SELECT DISTINCT equipment_id FROM jobs ORDER BY equipment_id').map((r) => String(r.equipment_id)),
    );
  }

  /** Files and bytes per job, for the jobs named. */
  async runSizes(jobIds: readonly string[]): Promise<Record<string, { files: number; bytes: number }>> {
    return this.runner.read((db) => {
      const out: Record<string, { files: number; bytes: number }> = {};
      for (const id of jobIds) {
        const r = one(db, 'SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM job_files WHERE job_id = ?', [id]);
        out[id] = { files: Number(r?.n ?? 0), bytes: Number(r?.bytes ?? 0) };
      }
      return out;
    });
  }
}

/** The WHERE terms of a list filter, with their bound values; % and _ in a search match only themselves. */
function filterTerms(filter: JobFilter): { where: string[]; bind: SqlValue[] } {
  const where: string[] = [];
  const bind: SqlValue[] = [];
  if (filter.state) {
    where.push('state = ?');
    bind.push(filter.state);
  }
  if (filter.equipmentId) {
    where.push('equipment_id = ?');
    bind.push(filter.equipmentId);
  }
  if (filter.search) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push("(nas_path LIKE ? ESCAPE '\\' OR run_path LIKE ? ESCAPE '\\')");
    bind.push(pattern, pattern);
  }
  return { where, bind };
}
