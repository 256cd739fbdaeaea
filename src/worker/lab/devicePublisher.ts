import { type DeviceFacts, buildDeviceReport, reportContent } from '../../shared/deviceReport';
import type { Clock } from '../sync/deps';
import type { DavClient } from '../webdav/client';
import { deviceReportText, writeDeviceReport } from './writeReport';

// Keeps this device's file on the NAS current: written a moment after something changed (changes in
// between are taken together), and at least every REFRESH_MS while online, so a reader can tell a device
// that is away from one with nothing to say. A failed write is logged and tried again later; it never
// touches a run: the publisher only reads the queue.

/** After a change, wait this long for more before writing. */
export const DEBOUNCE_MS = 5_000;
/** Written at least this often while online, changed or not. */
export const REFRESH_MS = 15 * 60_000;
/** After a failed write, the next try. */
export const RETRY_MS = 60_000;
/** Texts of MOVEs sent since the last confirmed write kept as this device's own (an answer may have been lost). */
const MAX_TRIED_TEXTS = 10;

export interface PublisherDeps {
  /** What the file says, gathered now. */
  facts: () => Promise<DeviceFacts>;
  clock: Clock;
  online: () => boolean;
  /** A client for the NAS in the current settings; `signal` aborts its requests. */
  dav: (signal: AbortSignal) => DavClient;
  /** Where a failed write is told (the worker's console). */
  log: (message: string) => void;
}

export class DevicePublisher {
  private readonly stopper = new AbortController();
  private wakeup = new AbortController();
  /** Something changed since the last write was prepared. */
  private dirty = true;
  /** The content last written (reportContent), and when (clock ms). */
  private lastContent: string | null = null;
  private lastWrittenMs = -Infinity;
  private nextRefreshMs = 0;
  /** The NAS URL the devices folder is known to exist under. */
  private foldersMadeFor: string | null = null;
  /**
   * Per NAS URL, what this device's file last held by its write, and the texts of MOVEs sent since (an
   * answer may have been lost while the file was replaced): a file holding anything else is not replaced.
   */
  private readonly written = new Map<string, { confirmed: string | null; tried: string[] }>();
  /** One write at a time: the loop's and publishNow's. */
  private writing: Promise<boolean> = Promise.resolve(true);
  private loopDone: Promise<void> | null = null;
  /** The last write's failure in words, or null. */
  lastError: string | null = null;

  constructor(private readonly deps: PublisherDeps) {}

  start(): void {
    this.loopDone ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await this.loopDone;
  }

  /** Something the file tells changed (a job, the engine, the name, the network): written after DEBOUNCE_MS. */
  changed(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.wakeup.abort();
  }

  /** Write now if online (the Lab view, before it reads the folder); true when the file on the NAS is current. */
  publishNow(): Promise<boolean> {
    return this.serialised(() => this.publish(true));
  }

  private async loop(): Promise<void> {
    while (!this.stopper.signal.aborted) {
      this.wakeup = new AbortController();
      const waitMs = this.dirty ? DEBOUNCE_MS : this.nextRefreshMs - this.deps.clock.now();
      await this.deps.clock.sleep(Math.max(0, waitMs), AbortSignal.any([this.wakeup.signal, this.stopper.signal]));
      // Woken by a change while waiting for the refresh: wait the debounce first.
      if (this.stopper.signal.aborted || this.wakeup.signal.aborted) continue;
      await this.serialised(() => this.publish(false));
    }
  }

  private serialised(work: () => Promise<boolean>): Promise<boolean> {
    const next = this.writing.then(work, work);
    this.writing = next.catch(() => false);
    return next;
  }

  /** Write the file when online and it changed (or `force`, or the refresh is due). */
  private async publish(force: boolean): Promise<boolean> {
    const now = this.deps.clock.now();
    this.dirty = false;
    if (!this.deps.online()) {
      // Offline: nothing to try until the network comes back (which calls changed()).
      this.nextRefreshMs = now + REFRESH_MS;
      return false;
    }
    try {
      const report = buildDeviceReport(await this.deps.facts(), now);
      const content = reportContent(report);
      if (!force && content === this.lastContent && now < this.lastWrittenMs + REFRESH_MS) {
        this.nextRefreshMs = this.lastWrittenMs + REFRESH_MS;
        return true;
      }
      const dav = this.deps.dav(this.stopper.signal);
      const known = this.written.get(dav.baseUrl) ?? { confirmed: null, tried: [] };
      this.written.set(dav.baseUrl, known);
      // Nothing confirmed yet (the first write since the app started, or on this NAS): no check.
      const ours = known.confirmed === null ? [] : [known.confirmed, ...known.tried];
      const text = deviceReportText(report);
      // Kept once its MOVE is sent: the answer may be lost while the file was replaced. The last few.
      const moveSent = () => (known.tried = [...known.tried, text].slice(-MAX_TRIED_TEXTS));
      await writeDeviceReport(dav, report, this.foldersMadeFor === dav.baseUrl, ours, moveSent);
      this.foldersMadeFor = dav.baseUrl;
      this.written.set(dav.baseUrl, { confirmed: text, tried: [] });
      this.lastContent = content;
      this.lastWrittenMs = now;
      this.nextRefreshMs = now + REFRESH_MS;
      this.lastError = null;
      return true;
    } catch (err) {
      this.foldersMadeFor = null;
      this.nextRefreshMs = now + RETRY_MS;
      if (!this.stopper.signal.aborted) {
        this.lastError = err instanceof Error ? err.message : String(err);
        this.deps.log(`This device's state could not be written to the NAS (tried again in ${RETRY_MS / 1000} s): ${this.lastError}`);
      }
      return false;
    }
  }
}
