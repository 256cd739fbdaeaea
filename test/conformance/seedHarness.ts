import type { Database } from '@sqlite.org/sqlite-wasm';
import type { SyncJobRow } from '../../src/worker/db/jobRows';
import { SyncQueue } from '../../src/worker/db/queue';
import { TransactionRunner } from '../../src/worker/db/transactionRunner';
import type { SyncJobState } from '../../src/shared/state';
import { parseInstant } from '../../src/shared/time';

// Runs one step of the seed's conformance scenarios (snake_case calls and keywords, as recorded from
// sync_queue.py) against a SyncQueue. The same harness runs in Node and inside a browser worker over OPFS.

type Kwargs = Record<string, unknown>;

export interface StepOutcome {
  returns?: unknown;
  raises?: { kind: 'constraint' | 'unknown-job' | 'other'; name: string; message: string };
  dbRowAfter: SyncJobRow | null;
}

export const DEFAULT_CLOCK = '2025-01-01T00:00:00Z';

export class SeedHarness {
  private queue: SyncQueue | null = null;
  private db: Database | null = null;
  private clockMs: number | null = parseInstant(DEFAULT_CLOCK);

  /** `open` returns a new connection to this scenario's database each time it is called. */
  constructor(private readonly open: () => Database) {}

  /** A fresh queue on the scenario's database, clock fixed unless the scenario uses the real one. */
  async start(realClock: boolean, autoInit: boolean): Promise<void> {
    this.clockMs = realClock ? null : parseInstant(DEFAULT_CLOCK);
    this.newQueue();
    if (autoInit) await this.queue!.init();
  }

  async finish(): Promise<SyncJobRow[] | null> {
    const rows = this.db?.isOpen() ? this.readAll() : null;
    await this.queue?.close();
    return rows;
  }

  async step(call: string, kwargs: Kwargs = {}, value?: unknown): Promise<StepOutcome> {
    let returns: unknown;
    try {
      returns = await this.invoke(call, kwargs, value);
    } catch (err) {
      const e = err as Error;
      const kind = e.name === 'ConstraintError' ? 'constraint' : e.name === 'UnknownJobError' ? 'unknown-job' : 'other';
      return { raises: { kind, name: e.name, message: e.message }, dbRowAfter: this.rowAfter(kwargs, undefined) };
    }
    return { returns: returns === undefined ? null : returns, dbRowAfter: this.rowAfter(kwargs, returns) };
  }

  private newQueue(): void {
    const runner = new TransactionRunner(() => {
      this.db = this.open();
      return this.db;
    });
    this.queue = new SyncQueue(runner, { clock: () => this.clockMs ?? Date.now() });
  }

  private invoke(call: string, k: Kwargs, value: unknown): Promise<unknown> | unknown {
    const q = this.queue!;
    const str = (v: unknown) => v as string;
    switch (call) {
      case 'set_clock':
        this.clockMs = parseInstant(str(value));
        return null;
      case 'new_queue':
        this.newQueue();
        return null;
      case 'init':
        return q.init();
      case 'close':
        return q.close();
      case 'insert':
        return q.insert({
          runPath: str(k.run_path),
          equipmentId: str(k.equipment_id),
          nasPath: k.nas_path as string | null | undefined,
          jobId: k.job_id as string | null | undefined,
        });
      case 'get_by_id':
        return q.getById(str(k.job_id));
      case 'get_by_run_path':
        return q.getByRunPath(str(k.run_path));
      case 'list_in_state':
        return q.listInState(k.state as SyncJobState);
      case 'list_all':
        return q.listAll();
      case 'transition':
        return q.transition(str(k.job_id), k.new_state as SyncJobState, {
          lastError: k.last_error as string | null | undefined,
          incrementAttempts: k.increment_attempts as boolean | undefined,
          incrementVerifyPasses: k.increment_verify_passes as boolean | undefined,
          verifiedAt: k.verified_at as string | null | undefined,
          nextAttemptAt: k.next_attempt_at as string | null | undefined,
          lastAttemptAt: k.last_attempt_at as string | null | undefined,
          nasPath: k.nas_path as string | null | undefined,
        });
      case 'record_failure':
        return q.recordFailure(str(k.job_id), k.error as string | null, {
          terminal: k.terminal as boolean | undefined,
          now: k.now as string | undefined,
        });
      case 'reset_to_queued':
        return q.resetToQueued(str(k.job_id));
      case 'delete':
        return q.delete(str(k.job_id));
      case 'is_terminal':
        return SyncQueue.isTerminal(str(k.state));
      case 'compute_next_attempt_at':
        return SyncQueue.computeNextAttemptAt(k.attempts_after as number, k.now as string | undefined);
      default:
        throw new Error(`conformance step calls unknown method ${call}`);
    }
  }

  /** The stored row of the job the step named, read beside the queue (null once it is gone). */
  private rowAfter(k: Kwargs, returns: unknown): SyncJobRow | null {
    const id = typeof k.job_id === 'string' ? k.job_id : (returns as SyncJobRow | null)?.id;
    if (id === undefined || !this.db?.isOpen()) return null;
    return (this.db.selectObject('SELECT * FROM jobs WHERE id = ?', [id]) as unknown as SyncJobRow) ?? null;
  }

  private readAll(): SyncJobRow[] {
    return this.db!.selectObjects('SELECT * FROM jobs ORDER BY rowid') as unknown as SyncJobRow[];
  }
}
