import { DestinationExistsError, NasConflictError } from '../errors';
import type { NasClaim, NasClaims } from '../db/claims';
import type { SyncJobRow } from '../db/jobRows';
import { CLAIM_NAME, claimTempName } from '../../shared/nasNames';
import { splitNasPath } from '../../shared/nasPath';
import { SyncJobState } from '../../shared/state';
import type { DavClient } from '../webdav/client';

// A run's NAS folder is claimed before its first file: a small claim file, written by PUT to a temporary
// name and MOVE with Overwrite: F, the one primitive all five measured servers refuse to let overwrite.
// A folder claimed by another job, or holding files and no claim, is not this run's: it takes the next
// free name. A claim with this job's token is a resume.

/** What the claim file says: enough for the NAS engineer to know whose folder it is. */
export interface ClaimFile {
  app: 'exlab-sync';
  jobId: string;
  token: string;
  device: string | null;
  equipmentId: string;
  claimedAt: string;
}

const MAX_CLAIM_BYTES = 16 * 1024;
/** Folders tried after the planned one ("run (2)" ... ): past this, something is wrong with the share. */
const MAX_CANDIDATES = 100;

export interface ClaimContext {
  dav: DavClient;
  claims: NasClaims;
  device: string | null;
  nowIso: () => string;
}

/** Claim (or find this job's claim on) a folder for the run; returns the job as it stands after. */
export async function claimRunFolder(ctx: ClaimContext, job: SyncJobRow): Promise<SyncJobRow> {
  const claim = await ctx.claims.ensure(job.id);
  // Never the share's root: a folder is planned from the template, always at least one segment.
  if (!splitNasPath(claim.plannedPath).length) throw new NasConflictError(`job ${job.id} names no NAS folder`);
  if (job.nas_path && (await claimIsOurs(ctx.dav, splitNasPath(job.nas_path), claim))) return job;
  for (let n = 1; n <= MAX_CANDIDATES; n++) {
    const candidate = n === 1 ? claim.plannedPath : `${claim.plannedPath} (${n})`;
    if (await tryFolder(ctx, job, claim, splitNasPath(candidate))) {
      return ctx.claims.settle(job.id, candidate, [SyncJobState.RUNNING]);
    }
  }
  throw new NasConflictError(`no free folder for the run next to ${claim.plannedPath} (tried ${MAX_CANDIDATES})`);
}

/** True when the folder's claim file carries this job's current token. */
export async function claimIsOurs(dav: DavClient, folder: string[], claim: NasClaim): Promise<boolean> {
  const found = await readClaim(dav, folder);
  return found !== null && found !== 'foreign' && found.jobId === claim.jobId && found.token === claim.token;
}

async function tryFolder(ctx: ClaimContext, job: SyncJobRow, claim: NasClaim, folder: string[]): Promise<boolean> {
  await ctx.dav.createCollections(folder);
  const found = await readClaim(ctx.dav, folder);
  if (found !== null) return found !== 'foreign' && found.jobId === job.id && found.token === claim.token;
  const listing = await ctx.dav.propfind(folder, 1);
  if (listing.some((r) => r.path.length > folder.length)) return false;
  const body: ClaimFile = {
    app: 'exlab-sync',
    jobId: job.id,
    token: claim.token,
    device: ctx.device,
    equipmentId: job.equipment_id,
    claimedAt: ctx.nowIso(),
  };
  const temp = [...folder, claimTempName(job.id)];
  await ctx.dav.putFile(temp, new Blob([`${JSON.stringify(body, null, 2)}\n`], { type: 'application/json' }));
  try {
    await ctx.dav.moveFile(temp, [...folder, CLAIM_NAME]);
    return true;
  } catch (err) {
    if (!(err instanceof DestinationExistsError)) throw err;
    // Another device claimed it between our look and our MOVE: theirs stands; our temporary goes.
    await ctx.dav.deleteResource(temp);
    return false;
  }
}

/** The folder's claim: null when there is none, 'foreign' when there is one this app cannot read. */
async function readClaim(dav: DavClient, folder: string[]): Promise<ClaimFile | 'foreign' | null> {
  const text = await dav.getText([...folder, CLAIM_NAME], MAX_CLAIM_BYTES);
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as Partial<ClaimFile>;
    return typeof parsed.jobId === 'string' && typeof parsed.token === 'string' ? (parsed as ClaimFile) : 'foreign';
  } catch {
    return 'foreign';
  }
}
