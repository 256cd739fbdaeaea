import type { RunFile } from '../db/queue';
import { MANIFEST_NAME } from '../../shared/manifestName';
import { relPathSegments } from '../../shared/nasPath';
import type { DavClient } from '../webdav/client';
import { tempName } from './nasNames';

// The run's checksum manifest on the NAS, written (through a temporary name) once the run checks out.

/** BagIt manifest lines: "<sha256>  <path>", paths with "/" as the separator, sorted for diffing. */
export function manifestLines(files: readonly RunFile[]): string[] {
  return files.map((f) => `${f.sha256}  ${relPathSegments(f.rel_path).join('/')}\n`).sort();
}

export async function writeManifest(dav: DavClient, folder: string[], jobId: string, files: readonly RunFile[]): Promise<void> {
  const temp = [...folder, tempName(jobId, 'manifest')];
  await dav.putFile(temp, new Blob(manifestLines(files), { type: 'text/plain' }));
  await dav.moveFile(temp, [...folder, MANIFEST_NAME]);
}
