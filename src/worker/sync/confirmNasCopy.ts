import type { NasClaim } from '../db/claims';
import type { SyncJobRow } from '../db/jobRows';
import { relPathSegments } from '../../shared/nasPath';
import { sameOrigin, sameUrl } from '../../shared/nasUrl';
import type { Settings } from '../../shared/settings';
import type { SyncContext } from './deps';
import { listRunFiles } from './jobs';
import { nasSizes, requireOwnClaim, sizeMismatches } from './nasCopy';
import { runFolder } from './nasNames';
import { nasFileMatches } from './readBack';
import { inLanes } from '../../shared/inLanes';
import { FILE_CONCURRENCY } from './upload';

// The last look before the only device copy of a run is deleted: hours may have passed since verify.

/** The NAS no longer holds the run as verified: what is missing or different, in words. */
export class NasCopyChanged extends Error {
  override name = 'NasCopyChanged';
}

/** The run was verified on a server the settings no longer name: it cannot be looked at now. */
export class NasElsewhere extends Error {
  override name = 'NasElsewhere';
}

/**
 * Resolves when the run's NAS folder still carries this job's claim and every file with its size (and,
 * when the settings ask, its SHA-256 read back); throws NasCopyChanged (or NasConflictError for a claim
 * that is no longer this job's) when not, and the NAS's own errors when it cannot be asked.
 */
export async function confirmNasCopy(ctx: SyncContext, job: SyncJobRow): Promise<void> {
  const claim = await ctx.deps.stores.claims.get(job.id);
  const dav = ctx.deps.dav(whereItWent(ctx, claim), ctx.signal);
  const folder = runFolder(job);
  const files = await listRunFiles(ctx, job.id);
  await requireOwnClaim(dav, ctx.deps.stores.claims, job.id, folder);
  const { sizes } = await nasSizes(dav, folder, files);
  const missing = files.filter((f) => sizes.get(relPathSegments(f.rel_path).join('/')) === null);
  const differ = sizeMismatches(files, sizes).filter((f) => !missing.includes(f));
  // A run synced before claims (no claim row) has no claim file to tell its folder from another run's at
  // the same path (another tablet's, under the folder the settings name by now): sizes alone freed its
  // only copy on the strength of a stranger's files. Only its own bytes, read back, prove it is there.
  if (ctx.deps.settings().cleanupCheck === 'checksum' || !claim) {
    const toRead = files.filter((f) => !missing.includes(f) && !differ.includes(f));
    // As many at once as verify reads: one after the other, a run of small files waits a round trip each.
    await inLanes(toRead, FILE_CONCURRENCY, async (f) => {
      const path = [...folder, ...relPathSegments(f.rel_path)];
      if (!(await nasFileMatches(dav, ctx.deps.stores.runFiles, job.id, f, path, ctx.signal))) differ.push(f);
    });
    differ.sort((a, b) => a.seq - b.seq);
  }
  if (missing.length || differ.length) {
    const words = [
      missing.length ? `missing on the NAS: ${missing.map((f) => f.rel_path).join(', ')}` : '',
      differ.length ? `different on the NAS: ${differ.map((f) => f.rel_path).join(', ')}` : '',
    ];
    throw new NasCopyChanged(`the NAS copy in ${job.nas_path} changed after it was verified (${words.filter(Boolean).join('; ')})`);
  }
}

/**
 * The settings to look at the run with: those of the NAS it was verified on. Another folder of the same
 * server is asked with today's credentials; another server is not asked at all (today's password is not
 * sent to it, and today's NAS does not hold this run): NasElsewhere, and the device copy stays.
 */
function whereItWent(ctx: SyncContext, claim: NasClaim | null): Settings {
  const settings = ctx.deps.settings();
  const wentTo = claim?.verifiedOn ?? settings.nasUrl;
  // A URL saved by an older version may be in another form (the settings are normalised when loaded).
  if (sameUrl(wentTo, settings.nasUrl)) return settings;
  if (sameOrigin(wentTo, settings.nasUrl)) return { ...settings, nasUrl: wentTo };
  throw new NasElsewhere(
    `verified on ${wentTo}; the settings now name ${settings.nasUrl}, so the device copy is kept until the settings name ${wentTo} again`,
  );
}
