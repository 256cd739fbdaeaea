import type { SyncJobRow } from '../db/queue';
import { IllegalMoveError } from '../errors';
import { splitNasPath } from '../../shared/nasPath';

// Where a job's files go on the NAS: the run's folder, and the temporary names a file is written under
// first so that a partial upload never carries the final name.

const TEMP_PREFIX = '.exlab-part-';

/** The run's folder on the NAS, as path segments. */
export function runFolder(job: SyncJobRow): string[] {
  if (!job.nas_path) throw new IllegalMoveError(`job ${job.id} has no NAS path`);
  return splitNasPath(job.nas_path);
}

/** The temporary name of file `seq` (or of the manifest) of a job, in the folder it goes to. */
export function tempName(jobId: string, seq: number | string): string {
  return `${TEMP_PREFIX}${jobId.slice(0, 8)}-${seq}`;
}

export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX);
}
