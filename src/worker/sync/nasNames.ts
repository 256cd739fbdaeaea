import type { SyncJobRow } from '../db/jobRows';
import { NoFilesError } from '../errors';
import { splitNasPath } from '../../shared/nasPath';

/** The run's folder on the NAS, as path segments; a job that names none has nothing on the NAS to touch. */
export function runFolder(job: SyncJobRow): string[] {
  const folder = job.nas_path ? splitNasPath(job.nas_path) : [];
  if (!folder.length) throw new NoFilesError(`job ${job.id} names no NAS folder`);
  return folder;
}
