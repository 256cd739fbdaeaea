import type { Database, SqlValue } from '@sqlite.org/sqlite-wasm';
import { ConstraintError, UnknownJobError } from '../errors';
import { MAX_ATTEMPTS, computeNextAttemptAt } from '../../shared/backoff';
import { SyncJobState, isTerminal, planFailure } from '../../shared/state';
import { formatInstant, parseInstant } from '../../shared/time';
import { migrate } from './schema';
import { all, one, run } from './statements';

/** One row of `jobs`, column for column (the seed's SyncJobRow). */
export interface SyncJobRow {
  id: string;
  run_path: string;
  equipment_id: string;
  state: SyncJobState;
  attempts: number;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  last_error: string | null;
  verify_passes: number;
  verified_at: string | null;
  enqueued_at: string;
  nas_path: string | null;
}

export interface InsertArgs {
  runPath: string;
  equipmentId: string;
  nasPath?: string | null;
  jobId?: string | null;
}

/** The seed's transition keywords; null or undefined keeps the stored value (Python's None). */
export interface TransitionPatch {
  lastError?: string | null;
  incrementAttempts?: boolean;
  incrementVerifyPasses?: boolean;
  verifiedAt?: string | null;
  nextAttemptAt?: string | null;
  lastAttemptAt?: string | null;
  nasPath?: string | null;
}

export interface RecordFailureOptions {
  terminal?: boolean;
  now?: string | Date;
  /**
   * A line for the job's history, written in the same transaction as the failure (so a crash cannot
   * keep one without the other); its kind defaults to "failed" or "retry-scheduled" by the outcome.
   */
  event?: { kind?: string; detail: string };
}

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

/** One file of a run, kept in OPFS as `f<seq>` in the job's folder. */
export interface RunFile {
  seq: number;
  rel_path: string;
  size: number;
  sha256: string;
  uploaded_at: string | null;
}

/** One line of a job's history. */
export interface JobEvent {
  id: number;
  job_id: string;
  at: string;
  kind: string;
  detail: string | null;
}

/** Runs inside the call's transaction before it writes; throwing refuses the call and changes nothing. */
export type JobGuard = (current: SyncJobRow) => void;

export interface SyncQueueOptions {
  /** Milliseconds since the epoch; insert() stamps enqueued_at with it. */
  clock?: () => number;
  /** Called after each commit with the ids of the jobs it wrote. */
  onCommit?: (changedJobIds: string[]) => void;
}

interface PendingOp {
  run: (db: Database) => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  writes: string[];
}

const COLUMNS =
  'id, run_path, equipment_id, state, attempts, last_attempt_at, next_attempt_at, last_error, verify_passes, verified_at, enqueued_at, nas_path';
const SQLITE_CONSTRAINT = 19;

/**
 * The seed's SyncQueue (sync_queue.py) on SQLite WASM. All job SQL lives here.
 *
 * Group commit: every call is queued and the calls that arrive together run in one transaction, each in
 * a savepoint of its own (a failing call undoes only itself), and resolve after that transaction has
 * committed. Calls run strictly in arrival order, so no update is lost; throughput under concurrent
 * load approaches the batch rate while every resolved call is durable.
 */
export class SyncQueue {
  private db: Database | null = null;
  private pending: PendingOp[] = [];
  private flushScheduled = false;
  /** How many calls the previous commit served: above one means callers are concurrent. */
  private lastBatchSize = 0;
  private readonly clock: () => number;

  constructor(
    private readonly openDb: () => Database | Promise<Database>,
    private readonly options: SyncQueueOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /** Open the database, migrate the schema, and re-queue jobs left RUNNING by a previous process. */
  async init(): Promise<void> {
    const db = await this.openDb();
    try {
      migrate(db);
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
    // Replay (§7.1.2): only the state column changes; AWAITING_VERIFY is left for the verifier.
    await this.write([], (d) => {
      run(d, 'UPDATE jobs SET state = ? WHERE state = ?', [SyncJobState.QUEUED, SyncJobState.RUNNING]);
    });
  }

  /** Close the connection after the calls already queued have finished (idempotent). */
  async close(): Promise<void> {
    if (!this.db) return;
    if (this.pending.length) await this.read(() => undefined);
    this.db?.close();
    this.db = null;
  }

  get isOpen(): boolean {
    return this.db !== null;
  }

  async insert(args: InsertArgs): Promise<SyncJobRow> {
    return this.write([], (db) => this.insertRow(db, args));
  }

  /** Insert many jobs in one transaction: all of them or, on any refusal, none. */
  async insertMany(items: readonly InsertArgs[]): Promise<SyncJobRow[]> {
    return this.write([], (db) => items.map((item) => this.insertRow(db, item)));
  }

  async getById(jobId: string): Promise<SyncJobRow | null> {
    return this.read((db) => selectJob(db, 'WHERE id = ?', [jobId]));
  }

  async getByRunPath(runPath: string): Promise<SyncJobRow | null> {
    return this.read((db) => selectJob(db, 'WHERE run_path = ?', [runPath]));
  }

  async listInState(state: SyncJobState): Promise<SyncJobRow[]> {
    return this.read((db) => selectJobs(db, 'WHERE state = ? ORDER BY enqueued_at', [state]));
  }

  async listAll(): Promise<SyncJobRow[]> {
    return this.read((db) => selectJobs(db, 'ORDER BY enqueued_at', []));
  }

  /** One page of jobs in enqueue order (ties in insertion order), optionally of one state. */
  async listPage(opts: { state?: SyncJobState; after?: PageCursor | null; limit: number }): Promise<JobPage> {
    return this.read((db) => {
      const { where, bind } = filterTerms({ state: opts.state });
      if (opts.after) {
        where.push('(enqueued_at > ? OR (enqueued_at = ? AND rowid > ?))');
        bind.push(opts.after.enqueuedAt, opts.after.enqueuedAt, opts.after.rowid);
      }
      const sql = `SELECT rowid AS _rowid, ${COLUMNS} FROM jobs ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
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
    return this.read((db) => {
      const { where, bind } = filterTerms(filter);
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = Number(one(db, `SELECT COUNT(*) AS n FROM jobs ${clause}`, bind)?.n ?? 0);
      const jobs = selectJobs(db, `${clause} ORDER BY enqueued_at DESC, rowid DESC LIMIT ? OFFSET ?`, [...bind, limit, offset]);
      return { total, offset, jobs };
    });
  }

  /** Every equipment id in the queue, in order. */
  async equipmentIds(): Promise<string[]> {
    return this.read((db) => all(db, 'SELECT DISTINCT equipment_id FROM jobs ORDER BY equipment_id').map((r) => String(r.equipment_id)));
  }

  /** Retry every FAILED job in one transaction; returns the jobs now QUEUED. */
  async resetAllFailed(): Promise<SyncJobRow[]> {
    return this.write([], (db) => {
      const ids = all(db, 'SELECT id FROM jobs WHERE state = ?', [SyncJobState.FAILED]).map((r) => String(r.id));
      return ids.map((id) => this.resetRow(db, id, 'Retry all'));
    });
  }

  /** How many jobs are in each state, in one query. */
  async countByState(): Promise<StateCounts> {
    return this.read((db) => {
      const counts = Object.fromEntries(Object.values(SyncJobState).map((s) => [s, 0])) as StateCounts;
      for (const r of all(db, 'SELECT state, COUNT(*) AS n FROM jobs GROUP BY state')) {
        if (String(r.state) in counts) counts[r.state as SyncJobState] = Number(r.n);
      }
      return counts;
    });
  }

  /** Set the state and patch the other columns in one UPDATE; throws UnknownJobError on a miss. */
  async transition(
    jobId: string,
    newState: SyncJobState,
    patch: TransitionPatch = {},
    guard?: JobGuard,
  ): Promise<SyncJobRow> {
    return this.write([jobId], (db) => {
      guard?.(requireJob(db, jobId));
      return this.transitionRow(db, jobId, newState, patch);
    });
  }

  /**
   * Record a transport failure (the seed's record_failure): terminal -> FAILED at once; otherwise count
   * the attempt and either back off in QUEUED or, at MAX_ATTEMPTS, go to FAILED.
   */
  async recordFailure(
    jobId: string,
    error: string | null,
    options: RecordFailureOptions = {},
    guard?: JobGuard,
  ): Promise<SyncJobRow> {
    return this.write([jobId], (db) => {
      const existing = requireJob(db, jobId);
      guard?.(existing);
      const nowMs = options.now === undefined ? this.clock() : parseInstant(options.now);
      const lastAttemptAt = formatInstant(nowMs);
      const target = planFailure(existing, options.terminal ?? false, MAX_ATTEMPTS);
      const counted = !options.terminal;
      const nextAttemptAt =
        target === SyncJobState.FAILED ? '' : (computeNextAttemptAt(existing.attempts + 1, new Date(nowMs)) ?? '');
      const after = this.transitionRow(db, jobId, target, {
        incrementAttempts: counted,
        lastError: error,
        lastAttemptAt,
        nextAttemptAt,
      });
      if (options.event) {
        const kind = options.event.kind ?? (after.state === SyncJobState.FAILED ? 'failed' : 'retry-scheduled');
        this.eventRow(db, jobId, kind, options.event.detail);
      }
      return after;
    });
  }

  /** The user's Retry: back to QUEUED with attempts, errors and timestamps cleared (verify_passes kept). */
  async resetToQueued(jobId: string, guard?: JobGuard): Promise<SyncJobRow> {
    return this.write([jobId], (db) => {
      const existing = requireJob(db, jobId);
      guard?.(existing);
      return this.resetRow(db, jobId, null);
    });
  }

  /** Remove a job row (and its file list and history); a miss is not an error unless a guard asks. */
  async delete(jobId: string, guard?: JobGuard): Promise<void> {
    return this.write([jobId], (db) => {
      if (guard) guard(requireJob(db, jobId));
      run(db, 'DELETE FROM jobs WHERE id = ?', [jobId]);
      run(db, 'DELETE FROM job_files WHERE job_id = ?', [jobId]);
      run(db, 'DELETE FROM job_events WHERE job_id = ?', [jobId]);
    });
  }

  /** A job and its files in one transaction: the whole run is queued or none of it. */
  async insertRun(args: InsertArgs, files: readonly Omit<RunFile, 'uploaded_at'>[]): Promise<SyncJobRow> {
    return this.write([], (db) => {
      const job = this.insertRow(db, args);
      for (const f of files) {
        run(db, 'INSERT INTO job_files (job_id, seq, rel_path, size, sha256) VALUES (?, ?, ?, ?, ?)', [
          job.id,
          f.seq,
          f.rel_path,
          f.size,
          f.sha256,
        ]);
      }
      this.eventRow(db, job.id, 'enqueued', `${files.length} files`);
      return job;
    });
  }

  async listFiles(jobId: string): Promise<RunFile[]> {
    return this.read((db) =>
      all(db, 'SELECT seq, rel_path, size, sha256, uploaded_at FROM job_files WHERE job_id = ? ORDER BY seq', [jobId]).map(
        (r) => ({
          seq: Number(r.seq),
          rel_path: String(r.rel_path),
          size: Number(r.size),
          sha256: String(r.sha256),
          uploaded_at: r.uploaded_at === null ? null : String(r.uploaded_at),
        }),
      ),
    );
  }

  /** Files and bytes per job, for the jobs named. */
  async runSizes(jobIds: readonly string[]): Promise<Record<string, { files: number; bytes: number }>> {
    return this.read((db) => {
      const out: Record<string, { files: number; bytes: number }> = {};
      for (const id of jobIds) {
        const r = one(db, 'SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM job_files WHERE job_id = ?', [id]);
        out[id] = { files: Number(r?.n ?? 0), bytes: Number(r?.bytes ?? 0) };
      }
      return out;
    });
  }

  /** Mark one file as whole on the NAS under its final name. */
  async markFileUploaded(jobId: string, seq: number, at: string): Promise<void> {
    return this.write([jobId], (db) => {
      run(db, 'UPDATE job_files SET uploaded_at = ? WHERE job_id = ? AND seq = ?', [at, jobId, seq]);
    });
  }

  /** Forget that these files (all when `seqs` is omitted) were uploaded, so they are sent again. */
  async markFilesNotUploaded(jobId: string, seqs?: readonly number[]): Promise<void> {
    return this.write([jobId], (db) => {
      if (!seqs) run(db, 'UPDATE job_files SET uploaded_at = NULL WHERE job_id = ?', [jobId]);
      else for (const seq of seqs) run(db, 'UPDATE job_files SET uploaded_at = NULL WHERE job_id = ? AND seq = ?', [jobId, seq]);
    });
  }

  async addEvent(jobId: string, kind: string, detail: string | null = null): Promise<void> {
    return this.write([jobId], (db) => this.eventRow(db, jobId, kind, detail));
  }

  async listEvents(jobId: string): Promise<JobEvent[]> {
    return this.read((db) =>
      all(db, 'SELECT id, job_id, at, kind, detail FROM job_events WHERE job_id = ? ORDER BY id', [jobId]).map((r) => ({
        id: Number(r.id),
        job_id: String(r.job_id),
        at: String(r.at),
        kind: String(r.kind),
        detail: r.detail === null ? null : String(r.detail),
      })),
    );
  }

  /** QUEUED jobs whose next attempt is unset or not after `nowIso`, oldest first. */
  async dueJobs(nowIso: string, limit: number): Promise<SyncJobRow[]> {
    return this.read((db) =>
      selectJobs(
        db,
        `WHERE state = ? AND (next_attempt_at IS NULL OR next_attempt_at = '' OR next_attempt_at <= ?)
         ORDER BY enqueued_at, rowid LIMIT ?`,
        [SyncJobState.QUEUED, nowIso, limit],
      ),
    );
  }

  /** The earliest planned retry of a QUEUED job, or null. */
  async nextAttemptAt(): Promise<string | null> {
    return this.read((db) => {
      const r = one(db, "SELECT MIN(next_attempt_at) AS t FROM jobs WHERE state = ? AND next_attempt_at > ''", [
        SyncJobState.QUEUED,
      ]);
      return r?.t === null || r?.t === undefined ? null : String(r.t);
    });
  }

  /** Whether a job that is not yet deleted already uses this NAS folder. */
  async nasPathTaken(nasPath: string): Promise<boolean> {
    return this.read((db) => one(db, 'SELECT 1 AS x FROM jobs WHERE nas_path = ? LIMIT 1', [nasPath]) !== null);
  }

  async jobIds(): Promise<Set<string>> {
    return this.read((db) => new Set(all(db, 'SELECT id FROM jobs').map((r) => String(r.id))));
  }

  async getSettings(): Promise<Record<string, string>> {
    return this.read((db) => Object.fromEntries(all(db, 'SELECT key, value FROM settings').map((r) => [String(r.key), String(r.value)])));
  }

  async putSettings(entries: Record<string, string>): Promise<void> {
    return this.write([], (db) => {
      for (const [key, value] of Object.entries(entries)) {
        run(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', [key, value]);
      }
    });
  }

  /** Back to QUEUED with attempts, errors and timestamps cleared (verify_passes kept), and say so in the history. */
  private resetRow(db: Database, jobId: string, note: string | null): SyncJobRow {
    run(
      db,
      `UPDATE jobs SET state = ?, attempts = 0, last_attempt_at = NULL, next_attempt_at = NULL,
       last_error = NULL WHERE id = ?`,
      [SyncJobState.QUEUED, jobId],
    );
    this.eventRow(db, jobId, 'retried', note);
    return requireJob(db, jobId);
  }

  private eventRow(db: Database, jobId: string, kind: string, detail: string | null): void {
    run(db, 'INSERT INTO job_events (job_id, at, kind, detail) VALUES (?, ?, ?, ?)', [
      jobId,
      new Date(this.clock()).toISOString(),
      kind,
      detail,
    ]);
  }

  static isTerminal(state: string): boolean {
    return isTerminal(state);
  }

  static computeNextAttemptAt(attemptsAfter: number, now: string | Date = new Date()): string | null {
    return computeNextAttemptAt(attemptsAfter, now);
  }

  private insertRow(db: Database, args: InsertArgs): SyncJobRow {
    const row: SyncJobRow = {
      id: args.jobId || crypto.randomUUID(),
      run_path: args.runPath,
      equipment_id: args.equipmentId,
      state: SyncJobState.QUEUED,
      attempts: 0,
      last_attempt_at: null,
      next_attempt_at: null,
      last_error: null,
      verify_passes: 0,
      verified_at: null,
      enqueued_at: formatInstant(this.clock()),
      nas_path: args.nasPath ?? null,
    };
    run(db, `INSERT INTO jobs (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
        row.id,
        row.run_path,
        row.equipment_id,
        row.state,
        row.attempts,
        row.last_attempt_at,
        row.next_attempt_at,
        row.last_error,
        row.verify_passes,
        row.verified_at,
        row.enqueued_at,
      row.nas_path,
    ]);
    return row;
  }

  private transitionRow(db: Database, jobId: string, newState: SyncJobState, patch: TransitionPatch): SyncJobRow {
    const existing = requireJob(db, jobId);
    const updated: SyncJobRow = {
      ...existing,
      state: newState,
      attempts: existing.attempts + (patch.incrementAttempts ? 1 : 0),
      verify_passes: existing.verify_passes + (patch.incrementVerifyPasses ? 1 : 0),
      last_attempt_at: patch.lastAttemptAt ?? existing.last_attempt_at,
      next_attempt_at: patch.nextAttemptAt ?? existing.next_attempt_at,
      last_error: patch.lastError ?? existing.last_error,
      verified_at: patch.verifiedAt ?? existing.verified_at,
      nas_path: patch.nasPath ?? existing.nas_path,
    };
    run(
      db,
      `UPDATE jobs SET state = ?, attempts = ?, last_attempt_at = ?, next_attempt_at = ?, last_error = ?,
       verify_passes = ?, verified_at = ?, nas_path = ? WHERE id = ?`,
      [
        updated.state,
        updated.attempts,
        updated.last_attempt_at,
        updated.next_attempt_at,
        updated.last_error,
        updated.verify_passes,
        updated.verified_at,
        updated.nas_path,
        updated.id,
      ],
    );
    return updated;
  }

  private read<T>(run: (db: Database) => T): Promise<T> {
    return this.enqueue(run, []);
  }

  /** `jobIds` names the jobs the call writes; insert adds its new id itself through the returned row. */
  private write<T>(jobIds: string[], run: (db: Database) => T): Promise<T> {
    return this.enqueue(run, jobIds.length ? jobIds : ['*']);
  }

  private enqueue<T>(run: (db: Database) => T, writes: string[]): Promise<T> {
    if (!this.db) return Promise.reject(new Error('SyncQueue.init() must be called before use'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (v: unknown) => void, reject, writes });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // A macrotask, not a microtask, so calls arriving as separate messages can join the batch. When the
        // last batch held several calls, callers are concurrent: wait a millisecond for the rest of them,
        // so one sync serves many; a lone caller is not kept waiting.
        if (this.lastBatchSize > 1) setTimeout(() => this.flush(), 1);
        else nextMacrotask(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    this.lastBatchSize = batch.length;
    const db = this.db;
    if (!db) {
      for (const op of batch) op.reject(new Error('SyncQueue was closed'));
      return;
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    const changed = new Set<string>();
    try {
      run(db, 'BEGIN IMMEDIATE');
      for (const op of batch) {
        run(db, 'SAVEPOINT op');
        try {
          const value = op.run(db);
          run(db, 'RELEASE op');
          outcomes.push({ ok: true, value });
          for (const id of changedIds(op.writes, value)) changed.add(id);
        } catch (err) {
          run(db, 'ROLLBACK TO op');
          run(db, 'RELEASE op');
          outcomes.push({ ok: false, value: translate(err) });
        }
      }
      run(db, 'COMMIT');
    } catch (err) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // No transaction was open to roll back; the original error is the one to report.
      }
      for (const op of batch) op.reject(err);
      return;
    }
    batch.forEach((op, i) => (outcomes[i].ok ? op.resolve(outcomes[i].value) : op.reject(outcomes[i].value)));
    if (changed.size) this.options.onCommit?.([...changed]);
  }
}

// setTimeout(0) costs about a millisecond in a worker; a MessageChannel hop costs microseconds. Node (the
// tests) has setImmediate, which a worker has not (so the worker's types do not declare it).
const nodeSetImmediate = (globalThis as { setImmediate?: (fn: () => void) => void }).setImmediate;
const nextMacrotask: (fn: () => void) => void = nodeSetImmediate ?? channelMacrotask();

function channelMacrotask(): (fn: () => void) => void {
  const channel = new MessageChannel();
  const macrotasks: (() => void)[] = [];
  channel.port1.onmessage = () => macrotasks.shift()?.();
  return (fn) => {
    macrotasks.push(fn);
    channel.port2.postMessage(null);
  };
}

/** The WHERE terms of a list filter, with their bound values. */
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

function changedIds(writes: string[], value: unknown): string[] {
  if (!writes.length) return [];
  const fromValue = (Array.isArray(value) ? value : [value])
    .filter((v): v is SyncJobRow => typeof v === 'object' && v !== null && 'id' in v)
    .map((v) => v.id);
  return [...writes.filter((w) => w !== '*'), ...fromValue];
}

// Extended result codes say which constraint refused the write; the message text is for people only.
const CONSTRAINT_COLUMNS: Record<number, string> = {
  1555: 'id', // SQLITE_CONSTRAINT_PRIMARYKEY
  2067: 'run_path', // SQLITE_CONSTRAINT_UNIQUE: run_path is the table's only UNIQUE column
  1299: 'not-null', // SQLITE_CONSTRAINT_NOTNULL
};

function translate(err: unknown): unknown {
  const code = (err as { resultCode?: number }).resultCode;
  if (typeof code === 'number' && (code & 0xff) === SQLITE_CONSTRAINT) {
    return new ConstraintError(String((err as Error).message), CONSTRAINT_COLUMNS[code] ?? null);
  }
  return err;
}

function requireJob(db: Database, jobId: string): SyncJobRow {
  const job = selectJob(db, 'WHERE id = ?', [jobId]);
  if (!job) throw new UnknownJobError(jobId);
  return job;
}

function selectJob(db: Database, clause: string, bind: SqlValue[]): SyncJobRow | null {
  const row = one(db, `SELECT ${COLUMNS} FROM jobs ${clause}`, bind);
  return row ? toJob(row) : null;
}

function selectJobs(db: Database, clause: string, bind: SqlValue[]): SyncJobRow[] {
  return all(db, `SELECT ${COLUMNS} FROM jobs ${clause}`, bind).map(toJob);
}

function toJob(r: Record<string, SqlValue>): SyncJobRow {
  const text = (v: SqlValue) => (v === null || v === undefined ? null : String(v));
  return {
    id: String(r.id),
    run_path: String(r.run_path),
    equipment_id: String(r.equipment_id),
    state: String(r.state) as SyncJobState,
    attempts: Number(r.attempts ?? 0),
    last_attempt_at: text(r.last_attempt_at),
    next_attempt_at: text(r.next_attempt_at),
    last_error: text(r.last_error),
    verify_passes: Number(r.verify_passes ?? 0),
    verified_at: text(r.verified_at),
    enqueued_at: String(r.enqueued_at ?? ''),
    nas_path: text(r.nas_path),
  };
}
