import type { Database } from '@sqlite.org/sqlite-wasm';
import { ConstraintError, DatabaseError, DatabaseFullError } from '../errors';
import { migrate } from './schema';
import { run } from './statements';

// Group commit for every store of db/: the calls that arrive together run in one transaction, each in a
// savepoint of its own, and SQLite's result codes become our typed errors here and nowhere else.

export interface RunnerOptions {
  /** Called after each commit with the ids of the jobs it wrote. */
  onCommit?: (changedJobIds: string[]) => void;
}

/** One call's work inside the batch's transaction; everything it writes commits or rolls back together. */
export type Work<T> = (db: Database) => T;

interface PendingOp {
  run: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  writes: string[];
}

/**
 * Every call is queued and the calls that arrive together run in one transaction, each in a savepoint of
 * its own (a failing call undoes only itself), and resolve after that transaction has committed. Calls run
 * strictly in arrival order, so no update is lost; throughput under concurrent load approaches the batch
 * rate while every resolved call is durable. A store that writes two tables does it in one call, so a
 * crash keeps both writes or neither.
 */
export class TransactionRunner {
  private db: Database | null = null;
  private pending: PendingOp[] = [];
  private flushScheduled = false;
  /** How many calls the previous commit served: above one means callers are concurrent. */
  private lastBatchSize = 0;

  constructor(
    private readonly openDb: () => Database | Promise<Database>,
    private readonly options: RunnerOptions = {},
  ) {}

  /** Open the database and bring its schema up to date. */
  async open(): Promise<void> {
    let db: Database;
    try {
      db = await this.openDb();
    } catch (err) {
      throw translate(err);
    }
    try {
      migrate(db);
    } catch (err) {
      db.close();
      throw translate(err);
    }
    this.db = db;
  }

  /** Close the connection after the calls already queued have finished (idempotent). */
  async close(): Promise<void> {
    if (!this.db) return;
    if (this.pending.length) await this.read(() => undefined);
    this.db?.close();
    this.db = null;
  }

  read<T>(work: Work<T>): Promise<T> {
    return this.enqueue(work, []);
  }

  /** `jobIds` names the jobs the call writes; a call that creates jobs returns their rows, which name them. */
  write<T>(jobIds: string[], work: Work<T>): Promise<T> {
    return this.enqueue(work, jobIds.length ? jobIds : ['*']);
  }

  private enqueue<T>(work: Work<T>, writes: string[]): Promise<T> {
    if (!this.db) return Promise.reject(new Error('SyncQueue.init() must be called before use'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run: work, resolve: resolve as (v: unknown) => void, reject, writes });
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
    let outcomes: Outcome[];
    try {
      run(db, 'BEGIN IMMEDIATE');
      outcomes = batch.map((op) => runInSavepoint(db, op));
      run(db, 'COMMIT');
    } catch (err) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // No transaction was open to roll back; the original error is the one to report.
      }
      const reason = translate(err);
      for (const op of batch) op.reject(reason);
      return;
    }
    batch.forEach((op, i) => (outcomes[i].ok ? op.resolve(outcomes[i].value) : op.reject(outcomes[i].value)));
    const changed = new Set(batch.flatMap((op, i) => (outcomes[i].ok ? changedIds(op.writes, outcomes[i].value) : [])));
    if (changed.size) this.options.onCommit?.([...changed]);
  }
}

interface Outcome {
  ok: boolean;
  value: unknown;
}

function runInSavepoint(db: Database, op: PendingOp): Outcome {
  run(db, 'SAVEPOINT op');
  try {
    const value = op.run(db);
    run(db, 'RELEASE op');
    return { ok: true, value };
  } catch (err) {
    try {
      run(db, 'ROLLBACK TO op');
      run(db, 'RELEASE op');
    } catch {
      // SQLite rolled the whole transaction back itself (it may on a full device or an I/O error), so the
      // savepoint is gone and so is the batch: the call's own error, not "no such savepoint", says why.
      throw err;
    }
    return { ok: false, value: translate(err) };
  }
}

function changedIds(writes: string[], value: unknown): string[] {
  if (!writes.length) return [];
  const fromValue = (Array.isArray(value) ? value : [value])
    .filter((v): v is { id: string } => typeof v === 'object' && v !== null && 'id' in v)
    .map((v) => v.id);
  return [...writes.filter((w) => w !== '*'), ...fromValue];
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

const SQLITE_FULL = 13;
const SQLITE_CONSTRAINT = 19;

// Extended result codes say which constraint refused the write; the message text is for people only.
const CONSTRAINT_COLUMNS: Record<number, string> = {
  1555: 'id', // SQLITE_CONSTRAINT_PRIMARYKEY
  2067: 'run_path', // SQLITE_CONSTRAINT_UNIQUE: run_path is the table's only UNIQUE column
  1299: 'not-null', // SQLITE_CONSTRAINT_NOTNULL
};

/**
 * The one place that reads SQLite result codes: a constraint -> ConstraintError (with the column), a full
 * device -> DatabaseFullError, any other code -> DatabaseError. Errors that carry no result code are ours
 * (a guard's refusal, UnknownJobError) and pass unchanged.
 */
function translate(err: unknown): unknown {
  const code = (err as { resultCode?: unknown } | null)?.resultCode;
  if (typeof code !== 'number') return err;
  const message = String((err as Error).message);
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      return new ConstraintError(message, CONSTRAINT_COLUMNS[code] ?? null);
    case SQLITE_FULL:
      return new DatabaseFullError();
    default:
      return new DatabaseError(message, code);
  }
}
