import { createSHA256 } from 'hash-wasm';
import { IllegalMoveError, VerifyMismatchError } from '../errors';
import type { RunFile, SyncJobRow, SyncQueue } from '../db/queue';
import type { FileStore } from '../files/store';
import { classify, isTerminalFailure } from '../queue/classify';
import { formatFailure } from '../../shared/failures';
import { relPathSegments, splitNasPath } from '../../shared/nasPath';
import { SyncJobState, isLegalMove } from '../../shared/state';
import { formatInstant } from '../../shared/time';
import type { DavClient } from '../webdav/client';
import { MANIFEST_NAME } from '../../shared/manifestName';
import { type Settings, inSyncWindow } from '../../shared/settings';

// The only module that composes the queue, the files, the NAS and the clock:
// due jobs -> upload (PUT to a temporary name, MOVE onto the final one) -> verify (sizes, checksums,
// manifest) -> retention -> free the device's copy. Local files are deleted here only after VERIFIED.

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
}

export interface EngineDeps {
  queue: SyncQueue;
  files: FileStore;
  clock: Clock;
  connectivity: Connectivity;
  settings: () => Settings;
  /** A client for the NAS in `settings`; `signal` aborts its requests in flight. */
  dav: (settings: Settings, signal?: AbortSignal) => DavClient;
  onProgress?: (p: Progress) => void;
  onStatus?: (s: EngineStatus) => void;
}

const TEMP_PREFIX = '.exlab-part-';
const PROGRESS_INTERVAL_MS = 250;
/** Files of one run sent at once. */
const FILE_CONCURRENCY = 4;
const IDLE_RECHECK_MS = 60_000;
const PROBE_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

export class SyncEngine {
  private readonly active = new Map<string, Promise<void>>();
  private stopper = new AbortController();
  private wakeSignal = new AbortController();
  private loopDone: Promise<void> | null = null;
  private nasReachable: boolean | null = null;
  private waitingFor: string | null = null;
  /** Set while an app update waits for a safe point: no new work starts. */
  private held = false;

  constructor(private readonly deps: EngineDeps) {
    deps.connectivity.onChange(() => this.wake());
  }

  /** Start the loop: AWAITING_VERIFY jobs are verified again before anything else. */
  start(): void {
    if (this.loopDone) return;
    this.stopper = new AbortController();
    this.loopDone = this.loop().catch((err) => console.error('sync engine stopped', err));
  }

  /** Stop taking work and abandon what is in flight; those jobs stay RUNNING and replay re-queues them. */
  async stop(): Promise<void> {
    this.stopper.abort();
    this.wake();
    await this.loopDone;
    this.loopDone = null;
  }

  /** Look for work now (a run was queued, a setting changed, the network came back). */
  wake(): void {
    this.wakeSignal.abort();
  }

  /** Start no new work and resolve once nothing is in flight: a safe point to replace the app. */
  async holdForUpdate(): Promise<void> {
    this.held = true;
    this.wake();
    while (this.active.size) await Promise.allSettled([...this.active.values()]);
  }

  /** Take work again (the update was put off). */
  release(): void {
    this.held = false;
    this.wake();
  }

  status(): EngineStatus {
    const s = this.deps.settings();
    return {
      paused: s.paused,
      online: this.deps.connectivity.online(),
      nasReachable: this.nasReachable,
      activeJobs: [...this.active.keys()],
      waitingFor: this.waitingFor,
    };
  }

  private async loop(): Promise<void> {
    const { queue } = this.deps;
    for (const job of await queue.listInState(SyncJobState.AWAITING_VERIFY)) {
      if (this.stopper.signal.aborted) return;
      if (this.blocker() === null) this.launch(job);
    }
    let probeAttempt = 0;
    while (!this.stopper.signal.aborted) {
      this.wakeSignal = new AbortController();
      const blocker = this.blocker();
      this.setWaiting(blocker);
      let sleepMs = IDLE_RECHECK_MS;
      if (blocker === 'nas') {
        if (await this.probe()) {
          probeAttempt = 0;
          continue;
        }
        sleepMs = PROBE_DELAYS_MS[Math.min(probeAttempt++, PROBE_DELAYS_MS.length - 1)];
      } else if (blocker === null) {
        await this.reap();
        const settings = this.deps.settings();
        const free = settings.concurrency - this.active.size;
        if (free > 0) {
          const due = await queue.dueJobs(formatInstant(this.deps.clock.now()), free + this.active.size);
          for (const job of due.filter((j) => !this.active.has(j.id)).slice(0, free)) this.launch(job);
        }
        sleepMs = Math.min(sleepMs, await this.msUntilNextWork());
      }
      await this.sleep(sleepMs);
    }
    await Promise.allSettled(this.active.values());
  }

  /** What keeps the engine from starting work: null, or the reason. */
  private blocker(): 'update' | 'paused' | 'offline' | 'window' | 'metered' | 'nas' | null {
    const s = this.deps.settings();
    if (this.held) return 'update';
    if (s.paused) return 'paused';
    if (!this.deps.connectivity.online()) return 'offline';
    if (!inSyncWindow(s, new Date(this.deps.clock.now()).getHours())) return 'window';
    if (s.pauseOnMetered && this.deps.connectivity.metered()) return 'metered';
    if (this.nasReachable === false) return 'nas';
    return null;
  }

  private setWaiting(blocker: ReturnType<SyncEngine['blocker']>): void {
    const words = {
      update: 'Waiting to update the app',
      paused: 'Syncing is paused',
      offline: 'The device is offline',
      window: 'Outside the sync window',
      metered: 'Paused on a metered connection',
      nas: 'The NAS does not answer',
    } as const;
    const next = blocker ? words[blocker] : null;
    if (next !== this.waitingFor) {
      this.waitingFor = next;
      this.deps.onStatus?.(this.status());
    }
  }

  private async sleep(ms: number): Promise<void> {
    const both = AbortSignal.any([this.wakeSignal.signal, this.stopper.signal]);
    if (both.aborted) return;
    await this.deps.clock.sleep(Math.max(0, ms), both);
  }

  private async msUntilNextWork(): Promise<number> {
    const next = await this.deps.queue.nextAttemptAt();
    const dueMs = next ? Date.parse(next) - this.deps.clock.now() : IDLE_RECHECK_MS;
    return Math.max(0, Math.min(dueMs, IDLE_RECHECK_MS));
  }

  /** Any answer at all from the NAS (even 401) means it is reachable again. */
  private async probe(): Promise<boolean> {
    const dav = this.deps.dav(this.deps.settings());
    try {
      await dav.propfind([], 0);
      this.nasReachable = true;
    } catch (err) {
      this.nasReachable = classify(err).kind !== 'offline';
    }
    this.deps.onStatus?.(this.status());
    return this.nasReachable;
  }

  private launch(job: SyncJobRow): void {
    const run = this.runJob(job).finally(() => {
      this.active.delete(job.id);
      this.deps.onStatus?.(this.status());
      this.wake();
    });
    this.active.set(job.id, run);
    this.deps.onStatus?.(this.status());
  }

  private async runJob(job: SyncJobRow): Promise<void> {
    const { queue } = this.deps;
    const nowIso = () => formatInstant(this.deps.clock.now());
    try {
      let current = job;
      if (current.state === SyncJobState.QUEUED) {
        current = await queue.transition(job.id, SyncJobState.RUNNING, { lastAttemptAt: nowIso() }, legalFrom(SyncJobState.RUNNING));
        await queue.addEvent(job.id, 'upload-started');
        await this.upload(current);
        current = await queue.transition(job.id, SyncJobState.AWAITING_VERIFY, {}, legalFrom(SyncJobState.AWAITING_VERIFY));
        await queue.addEvent(job.id, 'uploaded');
      }
      while (current.state === SyncJobState.AWAITING_VERIFY && !this.stopper.signal.aborted) {
        current = await this.verify(current);
      }
      this.nasReachable = true;
    } catch (err) {
      if (this.stopper.signal.aborted) return;
      await this.fail(job.id, err);
    }
  }

  private runFolder(job: SyncJobRow): string[] {
    if (!job.nas_path) throw new IllegalMoveError(`job ${job.id} has no NAS path`);
    return splitNasPath(job.nas_path);
  }

  private async upload(job: SyncJobRow): Promise<void> {
    const { queue, files } = this.deps;
    const dav = this.deps.dav(this.deps.settings(), this.stopper.signal);
    const folder = this.runFolder(job);
    const all = await queue.listFiles(job.id);
    const bytesTotal = all.reduce((n, f) => n + f.size, 0);
    let bytesDone = all.filter((f) => f.uploaded_at).reduce((n, f) => n + f.size, 0);
    const inFlight = new Map<number, number>();
    const meter = this.progressMeter(job.id, 'upload', bytesTotal);
    const report = (force = false) => meter(bytesDone + [...inFlight.values()].reduce((a, b) => a + b, 0), force);

    await dav.createCollections(folder);
    const folders = new Map<string, Promise<void>>();
    const ensureFolder = (dir: string[]) => {
      const key = dir.join('/');
      if (!folders.has(key)) folders.set(key, dav.createCollections(dir));
      return folders.get(key)!;
    };
    const pending = all.filter((f) => !f.uploaded_at);
    let next = 0;
    let failed = false;
    // A few files at a time: a run of many small files is bound by round trips, not bandwidth.
    const lane = async () => {
      while (next < pending.length && !failed) {
        const file = pending[next++];
        this.stopper.signal.throwIfAborted();
        const segments = relPathSegments(file.rel_path);
        const dir = [...folder, ...segments.slice(0, -1)];
        if (segments.length > 1) await ensureFolder(dir);
        const body = await files.open(job.id, file.seq, file.rel_path);
        const temp = [...dir, tempName(job.id, file.seq)];
        await dav.putFile(temp, body, (sent) => {
          inFlight.set(file.seq, sent);
          report();
        });
        await dav.moveFile(temp, [...folder, ...segments]);
        await queue.markFileUploaded(job.id, file.seq, formatInstant(this.deps.clock.now()));
        inFlight.delete(file.seq);
        bytesDone += file.size;
        report(true);
      }
    };
    const lanes = await Promise.allSettled(
      Array.from({ length: Math.min(FILE_CONCURRENCY, pending.length) }, () =>
        lane().catch((err) => {
          failed = true;
          throw err;
        }),
      ),
    );
    const rejected = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (rejected) throw rejected.reason;
  }

  /** One verify pass; returns the job as it stands after it. */
  private async verify(job: SyncJobRow): Promise<SyncJobRow> {
    const { queue } = this.deps;
    const settings = this.deps.settings();
    const dav = this.deps.dav(settings, this.stopper.signal);
    const folder = this.runFolder(job);
    const expected = await queue.listFiles(job.id);
    const remote = await dav.listFilesDeep(folder);
    const remoteSize = new Map(remote.map((r) => [r.path.slice(folder.length).join('/'), r.size]));

    // Temporaries of abandoned attempts (a killed tab, a cut connection) go before the run is called whole.
    for (const r of remote) {
      if (r.path[r.path.length - 1].startsWith(TEMP_PREFIX)) await dav.deleteResource(r.path);
    }
    const bad: RunFile[] = expected.filter((f) => remoteSize.get(relPathSegments(f.rel_path).join('/')) !== f.size);
    if (bad.length) {
      throw new VerifyMismatchError(
        `size differs or file missing on the NAS: ${bad.map((f) => f.rel_path).join(', ')}`,
        bad.map((f) => f.rel_path),
      );
    }
    if (settings.verifyMode === 'checksum') {
      const bytesTotal = expected.reduce((n, f) => n + f.size, 0);
      const meter = this.progressMeter(job.id, 'verify', bytesTotal);
      let bytesDone = 0;
      for (const f of expected) {
        const hasher = await createSHA256();
        for await (const chunk of dav.getFile([...folder, ...relPathSegments(f.rel_path)])) {
          this.stopper.signal.throwIfAborted();
          hasher.update(chunk);
          bytesDone += chunk.length;
          meter(bytesDone);
        }
        if (hasher.digest('hex') !== f.sha256) bad.push(f);
      }
      meter(bytesDone, true);
      if (bad.length) {
        throw new VerifyMismatchError(`checksum differs on the NAS: ${bad.map((f) => f.rel_path).join(', ')}`, bad.map((f) => f.rel_path));
      }
    }
    await this.writeManifest(dav, folder, job.id, expected);
    const passes = job.verify_passes + 1;
    const done = passes >= settings.verifyPasses;
    const next = await queue.transition(
      job.id,
      done ? SyncJobState.VERIFIED : SyncJobState.AWAITING_VERIFY,
      { incrementVerifyPasses: true, verifiedAt: done ? formatInstant(this.deps.clock.now()) : null },
      legalFrom(done ? SyncJobState.VERIFIED : SyncJobState.AWAITING_VERIFY),
    );
    await queue.addEvent(job.id, done ? 'verified' : 'verify-pass', `${settings.verifyMode}, pass ${passes}`);
    return next;
  }

  private async writeManifest(dav: DavClient, folder: string[], jobId: string, files: RunFile[]): Promise<void> {
    // BagIt manifest lines: "<sha256>  <path>", paths with "/" as the separator, sorted for diffing.
    const lines = files.map((f) => `${f.sha256}  ${relPathSegments(f.rel_path).join('/')}\n`).sort();
    const temp = [...folder, tempName(jobId, 'manifest')];
    await dav.putFile(temp, new Blob(lines, { type: 'text/plain' }));
    await dav.moveFile(temp, [...folder, MANIFEST_NAME]);
  }

  private async fail(jobId: string, err: unknown): Promise<void> {
    const { queue } = this.deps;
    let failure = classify(err);
    if (failure.kind === 'offline' && (await this.probe())) {
      // The NAS answers, so the connection broke during this exchange: a transient fault, counted.
      failure = { ...failure, kind: 'transient', code: 'connection_lost' };
    }
    const job = await queue.getById(jobId);
    if (!job) return;
    const reason = formatFailure(failure.code, failure.message);
    if (failure.kind === 'offline') {
      // Offline is the normal state of a field station: no attempt is spent.
      if (isLegalMove(job.state, SyncJobState.QUEUED)) {
        await queue.transition(jobId, SyncJobState.QUEUED, { lastError: reason }, legalFrom(SyncJobState.QUEUED));
      }
      await queue.addEvent(jobId, 'offline', reason);
      return;
    }
    if (err instanceof VerifyMismatchError) {
      const bad = new Set(err.relPaths);
      const files = await queue.listFiles(jobId);
      await queue.markFilesNotUploaded(jobId, files.filter((f) => bad.has(f.rel_path)).map((f) => f.seq));
    }
    const terminal = isTerminalFailure(failure.kind);
    await queue.recordFailure(jobId, reason, { terminal, now: new Date(this.deps.clock.now()), event: { detail: reason } });
  }

  /** VERIFIED -> CLEANUP_ELIGIBLE after the retention; then the device's copy is freed; old history goes. */
  private async reap(): Promise<void> {
    const { queue, files } = this.deps;
    const settings = this.deps.settings();
    const now = this.deps.clock.now();
    for (const job of await queue.listInState(SyncJobState.VERIFIED)) {
      if (job.verified_at && Date.parse(job.verified_at) + settings.retentionHours * 3_600_000 <= now) {
        await queue.transition(job.id, SyncJobState.CLEANUP_ELIGIBLE, {}, legalFrom(SyncJobState.CLEANUP_ELIGIBLE));
      }
    }
    for (const job of await queue.listInState(SyncJobState.CLEANUP_ELIGIBLE)) {
      await queue.addEvent(job.id, 'local-delete');
      await files.deleteRun(job.id);
      await queue.transition(job.id, SyncJobState.CLEANED, {}, legalFrom(SyncJobState.CLEANED));
      await queue.addEvent(job.id, 'cleaned');
    }
    for (const job of await queue.listInState(SyncJobState.CLEANED)) {
      const since = Date.parse(job.verified_at ?? job.enqueued_at) + settings.retentionHours * 3_600_000;
      if (since + settings.historyDays * 86_400_000 <= now) await queue.delete(job.id);
    }
  }

  private progressMeter(jobId: string, phase: Progress['phase'], bytesTotal: number) {
    const started = this.deps.clock.now();
    let last = 0;
    return (bytesDone: number, force = false) => {
      const now = this.deps.clock.now();
      if (!force && now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      const seconds = Math.max((now - started) / 1000, 0.001);
      this.deps.onProgress?.({ jobId, phase, bytesDone, bytesTotal, bytesPerSecond: bytesDone / seconds });
    };
  }
}

/** A guard that lets the write through only when the move is legal from the job's current state. */
function legalFrom(to: SyncJobState) {
  return (job: SyncJobRow) => {
    if (!isLegalMove(job.state, to)) throw new IllegalMoveError(`a ${job.state} job cannot move to ${to}`);
  };
}

function tempName(jobId: string, seq: number | string): string {
  return `${TEMP_PREFIX}${jobId.slice(0, 8)}-${seq}`;
}
