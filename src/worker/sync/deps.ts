import type { Stores } from '../db/stores';
import type { FileStore } from '../files/store';
import type { Settings } from '../../shared/settings';
import type { DavClient } from '../webdav/client';

// What the engine is handed (the adapters, built once by main.ts or by a test's rig) and what it reports.

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface Connectivity {
  /** False when the device says it has no network at all. */
  online(): boolean;
  /** True when the connection is metered (Network Information API), where the browser tells. */
  metered(): boolean;
  onChange(listener: () => void): void;
}

export interface Progress {
  jobId: string;
  phase: 'upload' | 'verify';
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number;
}

export interface EngineStatus {
  paused: boolean;
  online: boolean;
  /** null until the NAS has been tried. */
  nasReachable: boolean | null;
  activeJobs: string[];
  /** Why nothing moves, in words, or null. */
  waitingFor: string | null;
  /** The engine's own last error, with when it tries again ("Sync engine error: ...; trying again in 5 s"), or null. */
  engineError: string | null;
}

export interface EngineDeps {
  /** The queue and the stores beside it; the engine writes jobs only through guarded moves (jobs.ts). */
  stores: Pick<Stores, 'queue' | 'runFiles' | 'schedule' | 'claims' | 'moves' | 'history'>;
  files: FileStore;
  clock: Clock;
  connectivity: Connectivity;
  settings: () => Settings;
  /** A client for the NAS in `settings`; `signal` aborts its requests in flight. */
  dav: (settings: Settings, signal?: AbortSignal) => DavClient;
  /** This device's id and name, written into each run's claim on the NAS and its history; null when unknown. */
  device?: () => { id: string; name: string } | null;
  onProgress?: (p: Progress) => void;
  onStatus?: (s: EngineStatus) => void;
}

/**
 * What each phase of a job is given: the adapters, and the signal that aborts its requests when the
 * engine stops or an operator acts on the job.
 */
export interface SyncContext {
  deps: EngineDeps;
  signal: AbortSignal;
}
