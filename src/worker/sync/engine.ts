// sync/: the engine that takes queued runs to the NAS. engine.ts schedules (the loop, the NAS probe, launching
// jobs); each phase is a function of a SyncContext: upload, verify + manifest, reaper, outcome, progress.
import type { SyncJobRow } from '../db/queue';
import { classify } from '../queue/classify';
import { type Blocker, syncBlocker, waitingWords } from '../../shared/blocker';
import { IDLE_RECHECK_MS, msUntilDue, probeDelayMs } from '../../shared/schedule';
import { SyncJobState } from '../../shared/state';
import { formatInstant } from '../../shared/time';
import type { EngineDeps, EngineStatus, SyncContext } from './deps';
import { recordFailedAttempt } from './outcome';
import { reap } from './reaper';
import { sendRun } from './upload';
import { verifyPass } from './verify';

/**
 * The only module that composes the queue, the files, the NAS and the clock:
 * due jobs -> upload (PUT to a temporary name, MOVE onto the final one) -> verify (sizes, checksums,
 * manifest) -> retention -> free the device's copy. Local files are deleted only after VERIFIED.
 */
export class SyncEngine {
  private readonly active = new Map<string, Promise<void>>();
  private stopper = new AbortController();
  private wakeSignal = new AbortController();
  private loopDone: Promise<void> | null = null;
  private nasReachable: boolean | null = null;
  private waitingFor: string | null = null;
  /** Set while an app update waits for a safe point: no new work starts. */
  private held = false;
  /** Callers of nextTurn(), answered at the end of the next turn that begins after their call. */
  private turnWatchers: (() => void)[] = [];

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
    for (const job of await this.deps.queue.listInState(SyncJobState.AWAITING_VERIFY)) {
      if (this.stopper.signal.aborted) return;
      if (this.blocker() === null) this.launch(job);
    }
    let probeAttempt = 0;
    while (!this.stopper.signal.aborted) {
      this.wakeSignal = new AbortController();
      const watchers = this.turnWatchers.splice(0);
      const blocker = this.blocker();
      this.setWaiting(blocker);
      let sleepMs = IDLE_RECHECK_MS;
      if (blocker === 'nas') {
        if (await this.probe()) {
          probeAttempt = 0;
          // The NAS is back and the next turn starts at once: that one answers the watchers.
          this.turnWatchers.unshift(...watchers);
          continue;
        }
        sleepMs = probeDelayMs(probeAttempt++);
      } else if (blocker === null) {
        sleepMs = await this.startDueWork();
      }
      for (const turnDone of watchers) turnDone();
      await this.sleep(sleepMs);
    }
    await Promise.allSettled(this.active.values());
  }

  /** Reap, then fill the free slots with due jobs; returns how long to wait before the next turn. */
  private async startDueWork(): Promise<number> {
    await reap(this.ctx);
    const free = this.deps.settings().concurrency - this.active.size;
    if (free > 0) {
      const due = await this.deps.queue.dueJobs(formatInstant(this.deps.clock.now()), free + this.active.size);
      for (const job of due.filter((j) => !this.active.has(j.id)).slice(0, free)) this.launch(job);
    }
    const next = await this.deps.queue.nextAttemptAt();
    return msUntilDue(next, this.deps.clock.now());
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

  private async sleep(ms: number): Promise<void> {
    const both = AbortSignal.any([this.wakeSignal.signal, this.stopper.signal]);
    if (both.aborted) return;
    await this.deps.clock.sleep(Math.max(0, ms), both);
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

  /** A QUEUED job is sent, then verified pass by pass; an AWAITING_VERIFY one (after a restart) only verified. */
  private async runJob(job: SyncJobRow): Promise<void> {
    const ctx = this.ctx;
    try {
      let current = job;
      if (current.state === SyncJobState.QUEUED) current = await sendRun(ctx, current);
      while (current.state === SyncJobState.AWAITING_VERIFY && !ctx.signal.aborted) {
        current = await verifyPass(ctx, current);
      }
      this.nasReachable = true;
    } catch (err) {
      if (ctx.signal.aborted) return;
      await recordFailedAttempt(ctx, job.id, err, () => this.probe());
    }
  }
}
