// The names the app itself writes into a run's NAS folder. Temporaries carry the whole job id, and the
// engine deletes only these exact names for its own job, never a name because of its prefix.

/** The claim file: which job, device and time a run folder belongs to. */
export const CLAIM_NAME = '.exlab-claim.json';

/** The temporary a file of the run is PUT to before its MOVE onto the final name. */
export const fileTempName = (jobId: string, seq: number): string => `.exlab-part-${jobId}-${seq}`;

/** The temporary the manifest is PUT to. */
export const manifestTempName = (jobId: string): string => `.exlab-part-${jobId}-manifest`;

/** The temporary the claim file is PUT to. */
export const claimTempName = (jobId: string): string => `.exlab-part-${jobId}-claim`;

/**
 * The app's own folder at the NAS root (each device's state file is in `devices/` below it). No run
 * folder may have this name: nasPath.ts safeSegment renames a segment that would.
 */
export const LAB_FOLDER = '.exlab-sync';
