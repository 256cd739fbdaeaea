// What the end-to-end tests and the benchmark need and an operator must never have: jobs queued by path
// with no files on the device, and any move the state machine allows, with the seed's column patch.
// Only a build made with `vite build --mode e2e` holds this module (worker/main.ts and ui/worker.ts test
// import.meta.env.MODE, which the build replaces, so the shipped bundle leaves it out);
// e2e/shippedApi.spec.ts proves the shipped build has none of it.
import { IllegalMoveError, invalidInput, ok, type Result } from './errors';
import { planRunFolder } from '../shared/nasPath';
import type { FieldProblem } from '../shared/refusals';
import { MAX_RUN_PATH_CHARS } from '../shared/runPath';
import { equipmentIdProblem } from '../shared/runInput';
import { type SyncJobState, isLegalMove, isSyncJobState } from '../shared/state';
import type { SyncJobRow, TransitionPatch } from './contract';
import { type ApiDeps, wakeIfDone, withQueue } from './api/deps';

/** A file-less job, by its run path; its NAS folder comes from the template unless given. */
export interface SeedJob {
  equipmentId: string;
  runPath: string;
  nasPath?: string | null;
}

export interface TestHooks {
  /** Queue one file-less job; refused on invalid input or a run path already queued. */
  seedJob(input: SeedJob): Promise<Result<SyncJobRow>>;
  /** Queue many in one transaction, all or none (the 100,000-job queues); returns how many. */
  seedJobs(inputs: SeedJob[]): Promise<Result<number>>;
  /** Any legal move (shared/state.ts) with a column patch: puts a job where a test needs it. */
  move(jobId: string, to: SyncJobState, patch?: TransitionPatch): Promise<Result<SyncJobRow>>;
  /**
   * Wake the engine and resolve after a whole turn begun after the call: it looked at what blocks it and
   * started what it may. A test proves "the engine chose to wait" with it, not with a sleep.
   */
  engineTurn(): Promise<Result<void>>;
  /** Move this worker's clock forward by `ms` (a device seen "a day later"); what it writes is stamped with it. */
  shiftClock(ms: number): Promise<void>;
}

// C0/C1 controls and bidirectional overrides make a name display as something it is not.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export function createTestHooks(deps: ApiDeps): TestHooks {
  return {
    async seedJob(input) {
      const problem = validateSeedJob(input);
      if (problem) return invalidInput(problem);
      return wakeIfDone(deps, await withQueue(deps, (s) => s.queue.insert(normalise(deps, input))));
    },
    async seedJobs(inputs) {
      for (const [i, input] of inputs.entries()) {
        const problem = validateSeedJob(input);
        if (problem) return invalidInput({ field: problem.field, message: `item ${i + 1}: ${problem.message}` });
      }
      const added = await withQueue(deps, async (s) => (await s.bulk.insertMany(inputs.map((input) => normalise(deps, input)))).length);
      return wakeIfDone(deps, added);
    },
    async engineTurn() {
      const engine = deps.engine();
      if (!engine) return ok(undefined);
      const turn = engine.nextTurn();
      engine.wake();
      await turn;
      return ok(undefined);
    },
    async move(jobId, to, patch = {}) {
      if (!isSyncJobState(to)) return invalidInput({ field: 'to', message: `unknown state ${JSON.stringify(to)}` });
      return withQueue(deps, ({ queue }) =>
        queue.transition(jobId, to, patch, (job) => {
          if (!isLegalMove(job.state, to)) throw new IllegalMoveError(`a ${job.state} job cannot move to ${to}`);
        }),
      );
    },
    async shiftClock(ms) {
      deps.shiftClock?.(ms);
    },
  };
}

/** The run path's last part names the run in the NAS folder the template plans. */
function normalise(deps: ApiDeps, input: SeedJob) {
  const equipmentId = input.equipmentId.trim();
  const runPath = input.runPath.trim();
  const runName = runPath.split(/[/\\]/).filter(Boolean).pop() ?? runPath;
  const nasPath = input.nasPath ?? planRunFolder(deps.settings().pathTemplate, { equipmentId, runName }, deps.now());
  return { equipmentId, runPath, nasPath };
}

/** Why the input cannot be queued, naming the field; null when it can. */
function validateSeedJob(input: SeedJob): FieldProblem<SeedJob> | null {
  const runPath = typeof input?.runPath === 'string' ? input.runPath.trim() : '';
  // The rule New run applies too (shared/runInput.ts).
  const idProblem = equipmentIdProblem(input?.equipmentId);
  if (idProblem) return { field: 'equipmentId', message: idProblem };
  if (!runPath) return { field: 'runPath', message: "Enter the run path (the run's folder on this device)." };
  if (runPath.length > MAX_RUN_PATH_CHARS) {
    return { field: 'runPath', message: `The run path is ${runPath.length} characters long; use at most ${MAX_RUN_PATH_CHARS}.` };
  }
  if (UNSAFE_CHARS.test(runPath)) return { field: 'runPath', message: 'The run path contains control characters; type it again.' };
  return null;
}
