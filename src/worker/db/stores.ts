import type { Database } from '@sqlite.org/sqlite-wasm';
import { BulkJobs } from './bulk';
import { NasClaims } from './claims';
import { DeviceFactsStore } from './deviceFacts';
import { LabCache } from './labCache';
import { JobMoves } from './jobMoves';
import { History } from './history';
import { Listing } from './listing';
import { SyncQueue } from './queue';
import { RunFiles } from './runFiles';
import { Schedule } from './schedule';
import { SettingsStore } from './settings';
import { TransactionRunner } from './transactionRunner';

// Every store of db/ on one connection and one transaction runner, built once: a batch of calls from any
// of them commits together. `queue.init()` opens the database for all of them, `queue.close()` closes it.

export interface Stores {
  queue: SyncQueue;
  runFiles: RunFiles;
  history: History;
  settings: SettingsStore;
  listing: Listing;
  schedule: Schedule;
  bulk: BulkJobs;
  claims: NasClaims;
  moves: JobMoves;
  deviceFacts: DeviceFactsStore;
  labCache: LabCache;
}

export interface StoresOptions {
  /** Milliseconds since the epoch: what enqueued_at and history lines are stamped with. */
  clock?: () => number;
  /** Called after each commit with the ids of the jobs it wrote. */
  onCommit?: (changedJobIds: string[]) => void;
}

export function createStores(openDb: () => Database | Promise<Database>, options: StoresOptions = {}): Stores {
  const runner = new TransactionRunner(openDb, { onCommit: options.onCommit });
  const clock = options.clock ?? Date.now;
  return {
    queue: new SyncQueue(runner, { clock }),
    runFiles: new RunFiles(runner, clock),
    history: new History(runner, clock),
    settings: new SettingsStore(runner),
    listing: new Listing(runner),
    schedule: new Schedule(runner),
    bulk: new BulkJobs(runner, clock),
    claims: new NasClaims(runner, clock),
    moves: new JobMoves(runner, clock),
    deviceFacts: new DeviceFactsStore(runner),
    labCache: new LabCache(runner),
  };
}
