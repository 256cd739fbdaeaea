// What the facade is built from, and its one door to the queue: withQueue refuses while another tab
// owns the queue and turns the expected errors of a call into refusals.
import type { Stores } from '../db/stores';
import { fail, ok, refusalFor, type Result } from '../errors';
import type { FileStore } from '../files/store';
import type { PasswordState, Settings } from '../../shared/settings';
import type { SyncEngine } from '../sync/engine';
import type { DavClient } from '../webdav/client';
import type { DeviceIdentity, Ownership, WorkerEvent } from '../contract';

/** What the facade is built from; main.ts passes the worker's parts, a test passes its own. */
export interface ApiDeps {
  /** The stores while this tab owns the database, else null. */
  stores: () => Stores | null;
  engine: () => SyncEngine | null;
  files: FileStore;
  /** The whole settings, the password included: the worker's own copy, never handed to the page as is. */
  settings: () => Settings;
  passwordState: () => PasswordState;
  /** Store `next`; the password only when the change named it. */
  saveSettings: (next: Settings, passwordChanged: boolean) => Promise<void>;
  /** The origin the app is served from (an http:// NAS is refused under an https:// app). */
  appOrigin: string;
  /** The policy directive that blocked a request to this URL's origin lately (connect-src), or null. */
  blockedByPolicy?: (url: string) => Promise<string | null>;
  dav: (settings: Settings) => DavClient;
  now: () => number;
  freeBytes: () => Promise<number | null>;
  ownership: () => Ownership;
  subscribe: (listener: (event: WorkerEvent) => void) => void;
  takeOver: () => Promise<void>;
  /** This device's identity while this tab owns the queue, else null. */
  device?: () => DeviceIdentity | null;
  /** Store a new (checked) name for this device. */
  renameDevice?: (name: string) => Promise<DeviceIdentity>;
  /** Write this device's file to the NAS now, when online; never throws. */
  publishNow?: () => Promise<boolean>;
  /** Why the last write of this device's file failed (NasConflictError: another device's file there), or null. */
  publishProblem?: () => string | null;
  /** Move the worker's clock (e2e build only, through its test hooks). */
  shiftClock?: (ms: number) => void;
}

/**
 * Run `work` on the queue and hand back its value, or the refusal: not-owner while another tab holds the
 * queue, else what the expected error thrown by `work` means (errors.ts refusalFor).
 */
export async function withQueue<T>(deps: ApiDeps, work: (stores: Stores) => Promise<T>): Promise<Result<T>> {
  const stores = deps.stores();
  if (!stores) {
    return fail('not-owner', 'exlab-sync is open in another tab or window; use it there or choose "Use here".');
  }
  try {
    return ok(await work(stores));
  } catch (err) {
    return refusalFor(err);
  }
}

/**
 * After an operator's action on a job took effect, the engine drops that job's work in flight at once:
 * no request for it continues, and the engine records nothing more for it.
 */
export function cancelIfDone<T>(deps: ApiDeps, jobId: string, result: Result<T>): Result<T> {
  if (result.ok) deps.engine()?.cancel(jobId);
  return result;
}

/** After a change that may give the engine work (a new run, a retry, new settings), it looks at once. */
export function wakeIfDone<T>(deps: ApiDeps, result: Result<T>): Result<T> {
  if (result.ok) deps.engine()?.wake();
  return result;
}
