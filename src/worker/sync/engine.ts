// sync/: the engine that takes queued runs to the NAS. engine.ts schedules (the loop, the NAS probe, launching
// jobs); each phase is a function of a SyncContext: claim, upload, verify + manifest, reaper, outcome, progress.
import type { SyncJobRow } from '../db/jobRows';
import { DavHttpError } from '../errors';
import { type Blocker, syncBlocker, waitingWords } from '../../shared/blocker';
import { IDLE_RECHECK_MS, msUntilDue, probeDelayMs } from '../../shared/schedule';
import type { Settings } from '../../shared/settings';
import { SyncJobState } from '../../shared/state';
import { formatInstant } from '../../shared/time';
import type { EngineDeps, EngineStatus, SyncContext } from './deps';
import { type JobRun, runJob } from './jobRun';
import { freeDeviceCopy, reapTurn } from './reaper';

/** A run whose last look at the NAS before freeing its device copy could not be made is asked again after this. */
const CLEANUP_RETRY_MS = 60_000;
/** After an error in the loop itself, wait this long before the next turn (then longer, up to the last). */
const LOOP_ERROR_DELAYS_MS = [5_000, 30_000, 60_000];

/**
 * The only module that composes the queue, the files, the NAS and the clock:
 * due jobs -> claim the run's folder -> upload (PUT to a temporary name, MOVE with Overwrite: F) ->
 * verify (claim, sizes, checksums, manifest) -> retention -> the NAS read again -> free the device copy.
 */
export class SyncEngine {
  /** Jobs in flight, each with the controller that aborts its requests. */
  private readonly active = new Map<string, JobRun>();
  private stopper = new AbortController();
  private wakeSignal = new AbortController();
  private loopDone: Promise<void> | null = null;
  private nasReachable: boolean | null = null;
  private waitingFor: string | null = null;
  /** The loop's own last error in words, with when it tries again; null while turns succeed. */
  private engineError: string | null = null;
  /** Set while an app update waits for a safe point: no new work starts. */
  private held = false;
  /** Callers of nextTurn(), answered at the end of the next turn that begins after their call. */
  private turnWatchers: (() => void)[] = [];
  /** CLEANUP_ELIGIBLE jobs whose NAS could not be asked, with when to ask again (clock ms). */
  private readonly cleanupNotBefore = new Map<string, number>();

  constructor(private readonly deps: EngineDeps) {
    deps.connectivity.onChange(() => this.wake());
  }

  /** Start the loop: AWAITING_VERIFY jobs are verified again before anything else. */
  start(): void {
    if (this.loopDone) return;
    this.stopper = new AbortController();
    this.loopDone = this.loop();
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

  /**
   * An operator acted on this job (Stop syncing, Record failure, Discard, Retry): its requests in flight
   * are aborted at once and the engine records nothing more for it.
   */
  cancel(jobId: string): void {
    this.active.get(jobId)?.controller.abort('cancelled');
  }

  /**
   * Settings were saved. Pausing, or a change of where or as whom the runs go, stops the work in flight:
   * those jobs go back to QUEUED without spending an attempt, and go on with the new settings.
   */
  settingsChanged(before: Settings, after: Settings): void {
    const nasChanged = (['nasUrl', 'username', 'password'] as const).some((k) => before[k] !== after[k]);
    const pausing = after.paused && !before.paused;
    for (const run of this.active.values()) {
      // A last look before freeing a device copy reads the NAS the run went to: a new NAS does not stop it.
      if (pausing || (nasChanged && !run.cleanup)) run.controller.abort('interrupted');
    }
    if (nasChanged) this.nasReachable = null;
    this.wake();
  }

  /** Start no new work and resolve once nothing is in flight: a safe point to replace the app. */
  async holdForUpdate(): Promise<void> {
    this.held = true;
    this.wake();
    // A turn already past its blocker check may still launch a job: let it end first.
    if (this.loopDone) await this.nextTurn();
    while (this.active.size) await Promise.allSettled([...this.active.values()].map((r) => r.done));
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
      engineError: this.engineError,
    };
  }

  /**
   * Resolves once the loop has been through a whole turn begun after this call (it looked at what blocks
   * it, reaped, started what was due) and gone back to waiting: proof that it looked and chose to wait.
   */
  nextTurn(): Promise<void> {
    return new Promise((resolve) => this.turnWatchers.push(resolve));
  }

  private get ctx(): SyncContext {
    return { deps: this.deps, signal: this.stopper.signal };
  }

  private async loop(): Promise<void> {
    let probeAttempt = 0;
    let errors = 0;
    while (!this.stopper.signal.aborted) {
      this.wakeSignal = new AbortController();
      const watchers = this.turnWatchers.splice(0);
      let sleepMs: number;
      try {
        const blocker = this.blocker();
        this.setWaiting(blocker);
        if (blocker === 'nas' && (await this.probe())) {
          probeAttempt = 0;
          // The NAS is back and the next turn starts at once: that one answers the watchers.
          this.turnWatchers.unshift(...watchers);
          continue;
        }
        sleepMs = blocker === 'nas' ? probeDelayMs(probeAttempt++) : blocker === null ? await this.startDueWork() : IDLE_RECHECK_MS;
        errors = 0;
        this.setEngineError(null);
      } catch (err) {
        // One bad turn (a database hiccup, a bug) must not stop syncing for good: say so, wait, go on.
        sleepMs = LOOP_ERROR_DELAYS_MS[Math.min(errors++, LOOP_ERROR_DELAYS_MS.length - 1)];
        const message = err instanceof Error ? err.message : String(err);
        this.setEngineError(`Sync engine error: ${message}; trying again in ${Math.round(sleepMs / 1000)} s`);
      }
      for (const turnDone of watchers) turnDone();
      await this.sleep(sleepMs);
    }
    await Promise.allSettled([...this.active.values()].map((r) => r.done));
  }

  /**
   * Reap, then fill the free slots: runs whose device copy may be freed, AWAITING_VERIFY jobs (after a
   * restart they are verified again before anything else), then due QUEUED ones; returns how long to
   * wait before the next turn.
   */
  private async startDueWork(): Promise<number> {
    const { queue, schedule } = this.deps.stores;
    const now = this.deps.clock.now();
    await reapTurn(this.ctx);
    let free = this.deps.settings().concurrency - this.active.size;
    if (free > 0) {
      const idle = (j: SyncJobRow) => !this.active.has(j.id);
      const cleanups = (await queue.listInState(SyncJobState.CLEANUP_ELIGIBLE)).filter(
        (j) => idle(j) && (this.cleanupNotBefore.get(j.id) ?? 0) <= now,
      );
      const resumed = (await queue.listInState(SyncJobState.AWAITING_VERIFY)).filter(idle);
      const due = (await schedule.dueJobs(formatInstant(now), free + this.active.size)).filter(idle);
      for (const job of [...cleanups, ...resumed, ...due]) {
        if (free <= 0 || this.blocker() !== null) break;
        this.launch(job);
        free--;
      }
    }
    // Only looks still to come count: one whose time has passed was launched now, or is when a slot frees
    // (which wakes the loop), or is a job's no longer waiting (stopped). Counting those made every turn
    // due at once: a loop that never slept, for as long as an upload held the slot or for good.
    const nextCleanup = Math.min(...[...this.cleanupNotBefore.values()].filter((t) => t > now)) - now;
    return Math.min(msUntilDue(await schedule.nextAttemptAt(), now), Math.max(0, nextCleanup));
  }

  /** What keeps the engine from starting work: null, or the reason. */
  private blocker(): Blocker | null {
    const { connectivity, clock } = this.deps;
    return syncBlocker({
      held: this.held,
      settings: this.deps.settings(),
      online: connectivity.online(),
      metered: connectivity.metered(),
      localHour: new Date(clock.now()).getHours(),
      nasReachable: this.nasReachable,
    });
  }

  private setWaiting(blocker: Blocker | null): void {
    const next = waitingWords(blocker);
    if (next !== this.waitingFor) {
      this.waitingFor = next;
      this.deps.onStatus?.(this.status());
    }
  }

  private setEngineError(next: string | null): void {
    if (next === this.engineError) return;
    if (next) console.error(next);
    this.engineError = next;
    this.deps.onStatus?.(this.status());
  }

  private async sleep(ms: number): Promise<void> {
    const both = AbortSignal.any([this.wakeSignal.signal, this.stopper.signal]);
    if (both.aborted) return;
    await this.deps.clock.sleep(Math.max(0, ms), both);
  }

  /**
   * Whether the NAS answers now. Any answer of its own (207, or an error such as 401) means it is
   * reachable; no answer, a stall, a gateway's 502/503/504 (nginx in front of a NAS that is down), or a
   * 2xx/3xx that is no WebDAV answer (a captive portal's login page) means it is not.
   */
  private async probe(): Promise<boolean> {
    const dav = this.deps.dav(this.deps.settings(), this.stopper.signal);
    try {
      await dav.propfind([], 0);
      this.nasReachable = true;
    } catch (err) {
      this.nasReachable = err instanceof DavHttpError && err.status >= 400 && ![502, 503, 504].includes(err.status);
    }
    this.deps.onStatus?.(this.status());
    return this.nasReachable;
  }

  private launch(job: SyncJobRow): void {
    const controller = new AbortController();
    const ctx = { deps: this.deps, signal: AbortSignal.any([this.stopper.signal, controller.signal]) };
    const work =
      job.state === SyncJobState.CLEANUP_ELIGIBLE ? this.cleanUp(ctx, job) : runJob(ctx, job, controller.signal, () => this.probe());
    const done = work
      .then((reachedNas) => {
        if (reachedNas) this.nasReachable = true;
      })
      .catch((err) => this.setEngineError(`Sync engine error: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.active.delete(job.id);
        this.deps.onStatus?.(this.status());
        this.wake();
      });
    this.active.set(job.id, { controller, done, cleanup: job.state === SyncJobState.CLEANUP_ELIGIBLE });
    this.deps.onStatus?.(this.status());
  }

  /** Free a run's device copy; a NAS that cannot be asked now is asked again after CLEANUP_RETRY_MS. */
  private async cleanUp(ctx: SyncContext, job: SyncJobRow): Promise<boolean> {
    try {
      await freeDeviceCopy(ctx, job);
      this.cleanupNotBefore.delete(job.id);
      return true;
    } catch {
      // Stopped from outside (pause, Stop syncing): asked again as soon as that allows; the NAS failing: later.
      if (!ctx.signal.aborted) this.cleanupNotBefore.set(job.id, this.deps.clock.now() + CLEANUP_RETRY_MS);
      return false;
    }
  }
}
