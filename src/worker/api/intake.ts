// Putting runs into the queue: a run handed over with its files (stored on the device first), or runs
// queued by path alone. Every input is checked here before the queue sees it.
import { invalidInput, type Result } from '../errors';
import { intakeRun } from '../files/intake';
import { planRunFolder } from '../../shared/nasPath';
import type { FieldProblem } from '../../shared/refusals';
import type { EnqueueInput, NewRun, SyncJobRow } from '../contract';
import { type ApiDeps, wakeIfDone, withQueue } from './deps';

const MAX_EQUIPMENT_ID_CHARS = 64;
export const MAX_RUN_PATH_CHARS = 1024;
// C0/C1 controls and bidirectional overrides make a name display as something it is not.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export async function addRun(
  deps: ApiDeps,
  run: NewRun,
  onProgress?: (bytesDone: number, bytesTotal: number) => void,
): Promise<Result<SyncJobRow>> {
  const request = { equipmentId: run.equipmentId, runName: run.runName, files: run.files.map((f) => ({ relPath: f.relPath, body: f.file })) };
  const added = await withQueue(deps, ({ runFiles }) =>
    intakeRun({ runFiles, files: deps.files, settings: deps.settings(), now: deps.now(), freeBytes: deps.freeBytes, onProgress }, request),
  );
  return wakeIfDone(deps, added);
}

export async function enqueue(deps: ApiDeps, input: EnqueueInput): Promise<Result<SyncJobRow>> {
  const problem = validateEnqueue(input);
  if (problem) return invalidInput(problem);
  return wakeIfDone(deps, await withQueue(deps, (s) => s.queue.insert(normalise(deps, input))));
}

/** All or none: one invalid item refuses the lot, naming the item and its field. */
export async function enqueueMany(deps: ApiDeps, inputs: EnqueueInput[]): Promise<Result<number>> {
  for (const [i, input] of inputs.entries()) {
    const problem = validateEnqueue(input);
    if (problem) return invalidInput({ field: problem.field, message: `item ${i + 1}: ${problem.message}` });
  }
  const added = await withQueue(deps, async (s) => (await s.bulk.insertMany(inputs.map((input) => normalise(deps, input)))).length);
  return wakeIfDone(deps, added);
}

/** A job queued by path alone gets its NAS folder from the template, the run path's last part as its name. */
function normalise(deps: ApiDeps, input: EnqueueInput) {
  const equipmentId = input.equipmentId.trim();
  const runPath = input.runPath.trim();
  const runName = runPath.split(/[/\\]/).filter(Boolean).pop() ?? runPath;
  const nasPath = input.nasPath ?? planRunFolder(deps.settings().pathTemplate, { equipmentId, runName }, deps.now());
  return { equipmentId, runPath, nasPath };
}

/** Why the input cannot be queued: the field and words a technician can act on; null when it can. */
export function validateEnqueue(input: EnqueueInput): FieldProblem<EnqueueInput> | null {
  const equipmentId = typeof input?.equipmentId === 'string' ? input.equipmentId.trim() : '';
  const runPath = typeof input?.runPath === 'string' ? input.runPath.trim() : '';
  if (!equipmentId) return { field: 'equipmentId', message: 'Enter the equipment id (for example "hplc-02").' };
  if (equipmentId.length > MAX_EQUIPMENT_ID_CHARS) {
    return { field: 'equipmentId', message: `The equipment id is ${equipmentId.length} characters long; use at most ${MAX_EQUIPMENT_ID_CHARS}.` };
  }
  if (UNSAFE_CHARS.test(equipmentId)) return { field: 'equipmentId', message: 'The equipment id contains control characters; type it again.' };
  if (!runPath) return { field: 'runPath', message: "Enter the run path (the run's folder on this device)." };
  if (runPath.length > MAX_RUN_PATH_CHARS) {
    return { field: 'runPath', message: `The run path is ${runPath.length} characters long; use at most ${MAX_RUN_PATH_CHARS}.` };
  }
  if (UNSAFE_CHARS.test(runPath)) return { field: 'runPath', message: 'The run path contains control characters; type it again.' };
  return null;
}
