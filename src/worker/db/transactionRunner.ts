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

/**
 * One call's work inside the batch's transaction; everything it writes commits or rolls back together.
 * It may run more than once (when another call of its batch cost the transaction, see `settle`), so it
 * touches nothing but the database, and only its last run's writes are kept.
 */
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
    const outcomes = settle(db, batch);
    batch.forEach((op, i) => (outcomes[i].ok ? op.resolve(outcomes[i].value) : op.reject(outcomes[i].value)));
    const changed = new Set(batch.flatMap((op, i) => (outcomes[i].ok ? changedIds(op.writes, outcomes[i].value) : [])));
    if (changed.size) this.options.onCommit?.([...changed]);
  }
}

interface Outcome {
  ok: boolean;
  value: unknown;
}

/** How one transaction over some calls ended. */
type Attempt =
  | { kind: 'committed'; outcomes: Outcome[] }
  /** The call at `index` failed and SQLite rolled the whole transaction back with it. */
  | { kind: 'lost'; index: number; error: unknown }
  /** BEGIN or COMMIT failed: no call's work was kept, and none of them is to blame. */
  | { kind: 'refused'; error: unknown };

/**
 * Commit what can be committed of a batch and say how each call ended, in arrival order. On a full
 * device (or an I/O error) SQLite may roll back the whole transaction, not just the statement that
 * failed: that call is rejected with its own error and the others run again in a fresh transaction, so
 * a run too big for the space left does not take the small writes that fit down with it. When the
 * COMMIT itself fails, the calls run again one transaction each, so every call that fits still commits.
 */
function settle(db: Database, batch: PendingOp[]): Outcome[] {
  const outcomes: (Outcome | undefined)[] = new Array(batch.length);
  let left = batch.map((_, i) => i);
  while (left.length) {
    const attempt = tryTransaction(
      db,
      left.map((i) => batch[i]),
    );
    if (attempt.kind === 'committed') {
      left.forEach((i, k) => (outcomes[i] = attempt.outcomes[k]));
      break;
    }
    if (attempt.kind === 'lost') {
      outcomes[left[attempt.index]] = { ok: false, value: attempt.error };
      left = left.filter((_, k) => k !== attempt.index);
      continue;
    }
    if (left.length === 1) {
      outcomes[left[0]] = { ok: false, value: attempt.error };
      break;
    }
    for (const i of left) outcomes[i] = settle(db, [batch[i]])[0];
    break;
  }
  return outcomes as Outcome[];
}

/** One transaction over `ops`, each call in a savepoint of its own; a call's ordinary failure undoes only itself. */
function tryTransaction(db: Database, ops: PendingOp[]): Attempt {
  try {
    run(db, 'BEGIN IMMEDIATE');
  } catch (err) {
    return { kind: 'refused', error: translate(err) };
  }
  try {
    const outcomes: Outcome[] = [];
    for (const [index, op] of ops.entries()) {
      const outcome = runInSavepoint(db, op);
      if ('lostTransaction' in outcome) return { kind: 'lost', index, error: rollback(db, outcome.lostTransaction) };
      outcomes.push(outcome);
    }
    run(db, 'COMMIT');
    return { kind: 'committed', outcomes };
  } catch (err) {
    // A SAVEPOINT, RELEASE or the COMMIT failed: nothing of this transaction is kept.
    return { kind: 'refused', error: rollback(db, err) };
  }
}

/** Roll back whatever is left of the transaction, and hand back `err` translated: the reason it went. */
function rollback(db: Database, err: unknown): unknown {
  try {
    db.exec('ROLLBACK');
  } catch {
    // SQLite rolled the transaction back itself; the error that made it do so is the one to report.
  }
  return translate(err);
}

/** The call's outcome, or the error with which SQLite rolled back the whole transaction. */
function runInSavepoint(db: Database, op: PendingOp): Outcome | { lostTransaction: unknown } {
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
      // "no such savepoint": SQLite rolled the whole transaction back itself (it may on a full device or
      // an I/O error), so the calls before this one were undone too.
      return { lostTransaction: err };
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
