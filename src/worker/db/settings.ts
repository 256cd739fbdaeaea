import { all, run } from './statements';
import type { TransactionRunner } from './transactionRunner';

// The worker's settings as stored (settings table): key -> JSON text. What the values mean, their
// defaults and their checks are shared/settings.ts's.

export class SettingsStore {
  constructor(private readonly runner: TransactionRunner) {}

  async getSettings(): Promise<Record<string, string>> {
    return this.runner.read((db) =>
      Object.fromEntries(all(db, 'SELECT key, value FROM settings').map((r) => [String(r.key), String(r.value)])),
    );
  }

  /** Write these entries in one transaction; keys not named keep their value. */
  async putSettings(entries: Record<string, string>): Promise<void> {
    return this.runner.write([], (db) => {
      for (const [key, value] of Object.entries(entries)) {
        run(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', [key, value]);
      }
    });
  }

  /** Remove these keys (the database zeroes what it frees: open.ts sets secure_delete). */
  async deleteSettings(keys: string[]): Promise<void> {
    return this.runner.write([], (db) => {
      for (const key of keys) run(db, 'DELETE FROM settings WHERE key = ?', [key]);
    });
  }
}
