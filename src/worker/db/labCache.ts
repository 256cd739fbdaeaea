import type { LabEntry } from '../../shared/labOrder';
import { one, run } from './statements';
import type { TransactionRunner } from './transactionRunner';

// The last copy of the NAS's devices folder this device read (lab_cache, one row): what the Lab view
// shows while the NAS cannot be reached, with when it was read.

export interface LabCopy {
  /** When it was read from the NAS (ISO, this device's clock). */
  readAt: string;
  entries: LabEntry[];
}

export class LabCache {
  constructor(private readonly runner: TransactionRunner) {}

  async get(): Promise<LabCopy | null> {
    return this.runner.read((db) => {
      const row = one(db, 'SELECT read_at, entries FROM lab_cache WHERE id = 1');
      return row ? { readAt: String(row.read_at), entries: JSON.parse(String(row.entries)) as LabEntry[] } : null;
    });
  }

  async put(copy: LabCopy): Promise<void> {
    return this.runner.write([], (db) => {
      run(
        db,
        `INSERT INTO lab_cache (id, read_at, entries) VALUES (1, ?, ?)
         ON CONFLICT(id) DO UPDATE SET read_at = excluded.read_at, entries = excluded.entries`,
        [copy.readAt, JSON.stringify(copy.entries)],
      );
    });
  }
}
