// Putting runs into the queue: a run is handed over with its files, which are stored on the device first
// (files/intake.ts checks every name). A run with no files, or by a path alone, is not taken (issue #11).
import { invalidInput, type Result } from '../errors';
import { equipmentIdProblem, runNameProblem } from '../../shared/runInput';
import { intakeRun } from '../files/intake';
import type { NewRun, SyncJobRow } from '../contract';
import { type ApiDeps, wakeIfDone, withQueue } from './deps';

export async function addRun(
  deps: ApiDeps,
  run: NewRun,
  onProgress?: (bytesDone: number, bytesTotal: number) => void,
): Promise<Result<SyncJobRow>> {
  // The same rule the New run form and a run queued by path apply (shared/runInput.ts).
  const idProblem = equipmentIdProblem(run.equipmentId);
  if (idProblem) return invalidInput({ field: 'equipmentId', message: idProblem });
  const nameProblem = runNameProblem(run.runName);
  if (nameProblem) return invalidInput({ field: 'runName', message: nameProblem });
  const request = {
    equipmentId: run.equipmentId,
    runName: run.runName,
    files: run.files.map((f) => ({ relPath: f.relPath, body: f.file })),
  };
  const added = await withQueue(deps, ({ runFiles }) =>
    intakeRun({ runFiles, files: deps.files, settings: deps.settings(), now: deps.now(), freeBytes: deps.freeBytes, onProgress }, request),
  );
  return wakeIfDone(deps, added);
}
