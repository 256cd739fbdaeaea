import type { NasClaims } from '../db/claims';
import type { RunFile } from '../db/runFiles';
import { NasConflictError } from '../errors';
import { relPathSegments } from '../../shared/nasPath';
import type { DavClient } from '../webdav/client';
import { claimIsOurs } from './claim';

// What the NAS holds of a run, read the same way by verify and by the check before the device copy is
// freed: the claim must be this job's, and each file's size is taken from the listing or, for a name the
// listing leaves out (nginx dav-ext hides names starting with "."), asked for by name.

export interface NasSizes {
  /** Size on the NAS of each file of the run, by its path in the run ("/"-separated); null: not there. */
  sizes: Map<string, number | null>;
  /** Paths in the run folder (below it) the listing named: what else lies there. */
  listed: string[][];
}

/** Throws NasConflictError when the folder's claim is no longer this job's (none: a job from before claims). */
export async function requireOwnClaim(dav: DavClient, claims: NasClaims, jobId: string, folder: string[]): Promise<void> {
  const claim = await claims.get(jobId);
  if (claim && !(await claimIsOurs(dav, folder, claim))) {
    throw new NasConflictError(`the claim in ${folder.join('/')} is no longer this job's`);
  }
}

export async function nasSizes(dav: DavClient, folder: string[], files: readonly RunFile[]): Promise<NasSizes> {
  const remote = await dav.listFilesDeep(folder);
  const listedSize = new Map(remote.map((r) => [r.path.slice(folder.length).join('/'), r.size]));
  const sizes = new Map<string, number | null>();
  for (const f of files) {
    const rel = relPathSegments(f.rel_path);
    const key = rel.join('/');
    if (listedSize.has(key)) sizes.set(key, listedSize.get(key) ?? null);
    else sizes.set(key, (await dav.statFile([...folder, ...rel]))?.size ?? null);
  }
  return { sizes, listed: remote.map((r) => r.path) };
}

/** The files of the run whose size on the NAS is not the device's (missing included). */
export function sizeMismatches(files: readonly RunFile[], sizes: Map<string, number | null>): RunFile[] {
  return files.filter((f) => sizes.get(relPathSegments(f.rel_path).join('/')) !== f.size);
}
