import { DestinationExistsError, NasConflictError, ResponseTooLargeError } from '../errors';
import type { NasClaim, NasClaims } from '../db/claims';
import type { SyncJobRow } from '../db/jobRows';
import { CLAIM_NAME, claimTempName } from '../../shared/nasNames';
import { numberedFolder, splitNasPath } from '../../shared/nasPath';
import { SyncJobState } from '../../shared/state';
import type { DavClient } from '../webdav/client';
import { davUrl } from '../webdav/davPath';

// A run's NAS folder is its own: the run creates it (MKCOL answering 201, which one caller alone gets
// for a new folder) and claims it before its first file with a small claim file (PUT to a temporary
// name, MOVE with Overwrite: F). A folder that already exists is another's, unless its claim carries
// this job's token (a resume): the run then takes the next free name, "<name> (2)", ... A MOVE with
// Overwrite: F alone is no lock: Apache checks and renames in two steps, and two tablets racing for one
// name both got 201 there.

/** What the claim file says: enough for the NAS engineer to know whose folder it is. */
export interface ClaimFile {
  app: 'exlab-sync';
  jobId: string;
  token: string;
  /** The device's name, as set in Settings when the run claimed its folder. */
  device: string | null;
  /** The device's id: its state file is `.exlab-sync/devices/<deviceId>.json` at the NAS root. */
  deviceId: string | null;
  equipmentId: string;
  claimedAt: string;
}

const MAX_CLAIM_BYTES = 16 * 1024;
/** Folders tried after the planned one ("run (2)" ... ): past this, something is wrong with the share. */
const MAX_CANDIDATES = 100;

export interface ClaimContext {
  dav: DavClient;
  claims: NasClaims;
  device: { id: string; name: string } | null;
  nowIso: () => string;
}

/** Claim (or find this job's claim on) a folder for the run; returns the job as it stands after. */
export async function claimRunFolder(ctx: ClaimContext, job: SyncJobRow): Promise<SyncJobRow> {
  const claim = await ctx.claims.ensure(job.id);
  // Never the share's root: a folder is planned from the template, always at least one segment.
  if (!splitNasPath(claim.plannedPath).length) throw new NasConflictError(`job ${job.id} names no NAS folder`);
  if (job.nas_path && (await claimIsOurs(ctx.dav, splitNasPath(job.nas_path), claim))) return job;
  for (let n = 1; n <= MAX_CANDIDATES; n++) {
    const candidate = numberedFolder(claim.plannedPath, n);
    const outcome = await tryFolder(ctx, job, claim, splitNasPath(candidate));
    // A folder claimed afresh holds none of the run yet (a new NAS, a released folder): all is sent.
    if (outcome) return ctx.claims.settle(job.id, candidate, [SyncJobState.RUNNING], outcome === 'claimed');
  }
  throw new NasConflictError(`no free folder for the run next to ${claim.plannedPath} (tried ${MAX_CANDIDATES})`);
}

/** True when the folder's claim file carries this job's current token. */
export async function claimIsOurs(dav: DavClient, folder: string[], claim: NasClaim): Promise<boolean> {
  const found = await readClaim(dav, folder);
  return found !== null && isOurs(found, claim);
}

const isOurs = (found: ClaimFile | 'foreign', claim: NasClaim) =>
  found !== 'foreign' && found.jobId === claim.jobId && found.token === claim.token;

/** 'claimed' afresh, 'resumed' (this job's claim was there), or false: the folder is not this run's. */
async function tryFolder(ctx: ClaimContext, job: SyncJobRow, claim: NasClaim, folder: string[]): Promise<'claimed' | 'resumed' | false> {
  // An earlier attempt of this job was creating this very folder when it ended. Kept as the folder's URL:
  // a MKCOL sent under another NAS URL (the settings changed since) says nothing of a folder of the same
  // name here, which someone else made (it took another tablet's new folder, its claim on the way).
  const where = davUrl(ctx.dav.baseUrl, folder, true);
  const wasCreating = claim.createdPath === where;
  await ctx.dav.createCollections(folder.slice(0, -1));
  await ctx.claims.creating(job.id, where);
  const made = await ctx.dav.makeCollection(folder);
  const found = made === 'created' ? null : await readClaim(ctx.dav, folder);
  if (found !== null) return isOurs(found, claim) ? 'resumed' : false;
  // No claim: the folder is this job's if its own MKCOL made it now, or maybe did (an answer lost with the
  // connection now, or in a crash before); and then only while nothing but this job's temporaries is in it
  // (a NAS may answer 201 again for a folder that exists).
  if (made === 'exists' && !wasCreating) return false;
  if (!(await holdsOnlyOwnTemporaries(ctx.dav, folder, job.id))) return false;
  return (await writeClaim(ctx, job, claim, folder)) ? 'claimed' : false;
}

async function holdsOnlyOwnTemporaries(dav: DavClient, folder: string[], jobId: string): Promise<boolean> {
  const ownTemp = claimTempName(jobId).slice(0, -'claim'.length);
  const listing = await dav.propfind(folder, 1);
  return listing.every((r) => r.path.length === folder.length || r.path[r.path.length - 1].startsWith(ownTemp));
}

/** The claim file into a folder this job created; false when a stranger's claim got there first. */
async function writeClaim(ctx: ClaimContext, job: SyncJobRow, claim: NasClaim, folder: string[]): Promise<boolean> {
  const body: ClaimFile = {
    app: 'exlab-sync',
    jobId: job.id,
    token: claim.token,
    device: ctx.device?.name ?? null,
    deviceId: ctx.device?.id ?? null,
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
    // Nobody else writes into a folder this job created: a claim there is this job's own from an
    // attempt whose answer was lost, or a stranger's doing.
    await ctx.dav.deleteResource(temp);
    return claimIsOurs(ctx.dav, folder, claim);
  }
}

/** The folder's claim: null when there is none, 'foreign' when there is one this app cannot read. */
async function readClaim(dav: DavClient, folder: string[]): Promise<ClaimFile | 'foreign' | null> {
  let text: string | null;
  try {
    text = await dav.getText([...folder, CLAIM_NAME], MAX_CLAIM_BYTES);
  } catch (err) {
    // Something else under the claim's name, too big to be a claim: not this app's, so not this run's.
    if (err instanceof ResponseTooLargeError) return 'foreign';
    throw err;
  }
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as Partial<ClaimFile>;
    return typeof parsed.jobId === 'string' && typeof parsed.token === 'string' ? (parsed as ClaimFile) : 'foreign';
  } catch {
    return 'foreign';
  }
}
