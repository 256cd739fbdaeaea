import type { SyncJobRow } from '../db/jobRows';
import { relPathSegments } from '../../shared/nasPath';
import type { SyncContext } from './deps';
import { listRunFiles } from './jobs';
import { nasSizes, requireOwnClaim, sizeMismatches } from './nasCopy';
import { runFolder } from './nasNames';
import { readBackSha256 } from './readBack';

// The last look before the only device copy of a run is deleted: hours may have passed since verify.

/** The NAS no longer holds the run as verified: what is missing or different, in words. */
export class NasCopyChanged extends Error {
  override name = 'NasCopyChanged';
}

/**
 * Resolves when the run's NAS folder still carries this job's claim and every file with its size (and,
 * when the settings ask, its SHA-256 read back); throws NasCopyChanged (or NasConflictError for a claim
 * that is no longer this job's) when not, and the NAS's own errors when it cannot be asked.
 */
export async function confirmNasCopy(ctx: SyncContext, job: SyncJobRow): Promise<void> {
  const dav = ctx.deps.dav(ctx.deps.settings(), ctx.signal);
  const folder = runFolder(job);
  const files = await listRunFiles(ctx, job.id);
  await requireOwnClaim(dav, ctx.deps.stores.claims, job.id, folder);
  const { sizes } = await nasSizes(dav, folder, files);
  const missing = files.filter((f) => sizes.get(relPathSegments(f.rel_path).join('/')) === null);
  const differ = sizeMismatches(files, sizes).filter((f) => !missing.includes(f));
  if (ctx.deps.settings().cleanupCheck === 'checksum') {
    for (const f of files) {
      if (missing.includes(f) || differ.includes(f)) continue;
      if ((await readBackSha256(dav, [...folder, ...relPathSegments(f.rel_path)], ctx.signal)) !== f.sha256) differ.push(f);
    }
  }
  if (missing.length || differ.length) {
    const words = [
      missing.length ? `missing on the NAS: ${missing.map((f) => f.rel_path).join(', ')}` : '',
      differ.length ? `different on the NAS: ${differ.map((f) => f.rel_path).join(', ')}` : '',
    ];
    throw new NasCopyChanged(`the NAS copy in ${job.nas_path} changed after it was verified (${words.filter(Boolean).join('; ')})`);
  }
}
