import type { RunFile } from '../db/runFiles';
import { DestinationExistsError, NasConflictError } from '../errors';
import { MANIFEST_NAME } from '../../shared/manifestName';
import { manifestTempName } from '../../shared/nasNames';
import { relPathSegments } from '../../shared/nasPath';
import type { DavClient } from '../webdav/client';

// The run's checksum manifest on the NAS, written (through a temporary name, never over another file)
// once the run checks out. Only the job holding the folder's claim gets here.

const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/**
 * BagIt manifest lines: "<sha256>  <path>", paths as stored on the NAS with "/" as the separator, sorted
 * for diffing. Files whose NAS name had to differ (too long, unsafe characters) get comment lines after
 * them, giving the name each had on the device.
 */
export function manifestLines(files: readonly RunFile[]): string[] {
  const lines = files.map((f) => `${f.sha256}  ${relPathSegments(f.rel_path).join('/')}\n`).sort();
  const renamed = files
    .filter((f) => f.original_path !== null)
    .map((f) => `# ${relPathSegments(f.rel_path).join('/')} was named on the device: ${f.original_path}\n`)
    .sort();
  return [...lines, ...renamed];
}

export async function writeManifest(
  dav: DavClient,
  folder: string[],
  jobId: string,
  files: readonly RunFile[],
  signal: AbortSignal,
): Promise<void> {
  const text = manifestLines(files).join('');
  const temp = [...folder, manifestTempName(jobId)];
  await dav.putFile(temp, new Blob([text], { type: 'text/plain' }));
  try {
    await dav.moveFile(temp, [...folder, MANIFEST_NAME]);
  } catch (err) {
    if (!(err instanceof DestinationExistsError)) throw err;
    // An earlier pass (or an attempt cut after its MOVE) wrote the same lines: that manifest stands.
    signal.throwIfAborted();
    const there = await dav.getText([...folder, MANIFEST_NAME], MAX_MANIFEST_BYTES);
    await dav.deleteResource(temp);
    if (there !== text)
      throw new NasConflictError(`${MANIFEST_NAME} in ${folder.join('/')} differs from this run's; it was not overwritten`);
  }
}
