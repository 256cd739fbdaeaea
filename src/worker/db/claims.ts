import type { Database } from '@sqlite.org/sqlite-wasm';
import { JobChangedError } from '../errors';
import type { SyncJobState } from '../../shared/state';
import { addEventRow } from './history';
import { type SyncJobRow, requireJob } from './jobRows';
import { one, run } from './statements';
import type { TransactionRunner } from './transactionRunner';

// Each job's claim on its NAS folder (job_claims): the token written into the folder's claim file, and
// the planned folder. The jobs row's nas_path is the folder the claim is (or is about to be) in.

export interface NasClaim {
  jobId: string;
  /** Random per claim: the claim file in the folder carries it; a new one after a release. */
  token: string;
  /** The folder planned at intake: the search for a free folder starts here. */
  plannedPath: string;
  /**
   * The folder this job was last creating, as its URL (written just before its MKCOL): after a crash that
   * lost the MKCOL's answer, an empty folder there with no claim is this job's own.
   */
  createdPath: string | null;
  /** The NAS URL the run was last verified on (its last look before freeing goes there); null before. */
  verifiedOn: string | null;
}

export class NasClaims {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly clock: () => number,
  ) {}

  /** The job's claim, made (with a fresh token, planned at its current nas_path) when it has none. */
  async ensure(jobId: string): Promise<NasClaim> {
    return this.runner.write([jobId], (db) => {
      const existing = selectClaim(db, jobId);
      if (existing) return existing;
      const job = requireJob(db, jobId);
      const claim = { jobId, token: crypto.randomUUID(), plannedPath: job.nas_path ?? '', createdPath: null, verifiedOn: null };
      run(db, 'INSERT INTO job_claims (job_id, token, planned_path) VALUES (?, ?, ?)', [jobId, claim.token, claim.plannedPath]);
      return claim;
    });
  }

  /**
   * The run now lives in `folder` (its claim file is there): nas_path says so, with a history line when
   * it is not the folder the job named before; `fresh` (claimed now, not resumed) marks every file to be
   * sent. Only while the job is in `expected`.
   */
  async settle(jobId: string, folder: string, expected: readonly SyncJobState[], fresh: boolean): Promise<SyncJobRow> {
    return this.runner.write([jobId], (db) => {
      const job = requireJob(db, jobId);
      if (!expected.includes(job.state)) throw new JobChangedError(jobId, job.state);
      // A folder claimed afresh holds none of the run: every file is sent to it.
      if (fresh) run(db, 'UPDATE job_files SET uploaded_at = NULL WHERE job_id = ?', [jobId]);
      if (job.nas_path === folder) return job;
      run(db, 'UPDATE jobs SET nas_path = ? WHERE id = ?', [folder, jobId]);
      addEventRow(db, jobId, 'nas-folder', `${job.nas_path ?? '(none)'} was not free; the run goes to ${folder}`, this.clock());
      return requireJob(db, jobId);
    });
  }

  /**
   * Give the folder up: the NAS copy there is not what this job wrote. A new token (the old claim file
   * no longer counts as this job's) and every file to be sent again, so the next attempt claims a fresh
   * folder and leaves the old one exactly as it is.
   */
  async release(jobId: string, why: string): Promise<void> {
    return this.runner.write([jobId], (db) => {
      run(db, 'UPDATE job_claims SET token = ?, created_path = NULL, verified_on = NULL WHERE job_id = ?', [crypto.randomUUID(), jobId]);
      run(db, 'UPDATE job_files SET uploaded_at = NULL WHERE job_id = ?', [jobId]);
      addEventRow(db, jobId, 'nas-folder', `left as it is on the NAS: ${why}`, this.clock());
    });
  }

  /** This job is about to create the folder at `folderUrl` (MKCOL); written first, so a crash right after still knows. */
  async creating(jobId: string, folderUrl: string): Promise<void> {
    return this.runner.write([jobId], (db) => {
      run(db, 'UPDATE job_claims SET created_path = ? WHERE job_id = ?', [folderUrl, jobId]);
    });
  }

  /** A verify pass of this run matched on the NAS at `nasUrl`. */
  async verifiedOn(jobId: string, nasUrl: string): Promise<void> {
    return this.runner.write([jobId], (db) => {
      run(db, 'UPDATE job_claims SET verified_on = ? WHERE job_id = ?', [nasUrl, jobId]);
    });
  }

  async get(jobId: string): Promise<NasClaim | null> {
    return this.runner.read((db) => selectClaim(db, jobId));
  }
}

function selectClaim(db: Database, jobId: string): NasClaim | null {
  const row = one(db, 'SELECT token, planned_path, created_path, verified_on FROM job_claims WHERE job_id = ?', [jobId]);
  if (!row) return null;
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    jobId,
    token: String(row.token),
    plannedPath: String(row.planned_path),
    createdPath: text(row.created_path),
    verifiedOn: text(row.verified_on),
  };
}

export function deleteClaimRow(db: Database, jobId: string): void {
  run(db, 'DELETE FROM job_claims WHERE job_id = ?', [jobId]);
}
