import type { Database } from '@sqlite.org/sqlite-wasm';
import type { ChunkDigests } from '../hash/chunkDigests';
import { addEventRow } from './history';
import { type InsertArgs, type SyncJobRow, insertJobRow } from './jobRows';
import { all, one, run } from './statements';
import type { TransactionRunner } from './transactionRunner';

// The files of each run (job_files): what intake stored, and which of them are whole on the NAS. A run is
// queued with its file list in one transaction; the device copies themselves are files/store.ts's.

/** One file of a run, kept in OPFS in the job's folder: in its pack at `pack_offset`, or as `f<seq>` (files/runPack.ts). */
export interface RunFile {
  seq: number;
  rel_path: string;
  size: number;
  sha256: string;
  uploaded_at: string | null;
  /** The path as the device gave it, when the NAS name (rel_path) had to differ; else null. */
  original_path: string | null;
  /** Where the device copy starts in the run's pack; null when it is `f<seq>`, a file of its own. */
  pack_offset: number | null;
}

/**
 * A file as intake stores it: not uploaded yet, its device path when that differs from its NAS name, and
 * the SHA-256 of each of its pieces when it is big (hash/chunkDigests.ts).
 */
export type NewRunFile = Omit<RunFile, 'uploaded_at' | 'original_path' | 'pack_offset'> & {
  original_path?: string | null;
  pack_offset?: number | null;
  chunks?: ChunkDigests | null;
};

export class RunFiles {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly clock: () => number,
  ) {}

  /** A job, its files and its first history line in one transaction: the whole run is queued or none of it. */
  async insertRun(args: InsertArgs, files: readonly NewRunFile[], note?: string): Promise<SyncJobRow> {
    return this.runner.write([], (db) => {
      const nowMs = this.clock();
      const job = insertJobRow(db, args, nowMs);
      for (const f of files) {
        run(db, 'INSERT INTO job_files (job_id, seq, rel_path, size, sha256, original_path, pack_offset) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          job.id,
          f.seq,
          f.rel_path,
          f.size,
          f.sha256,
          f.original_path ?? null,
          f.pack_offset ?? null,
        ]);
        if (f.chunks) {
          run(db, 'INSERT INTO job_file_chunks (job_id, seq, chunk_bytes, digests) VALUES (?, ?, ?, ?)', [
            job.id,
            f.seq,
            f.chunks.chunkBytes,
            f.chunks.digests,
          ]);
        }
      }
      addEventRow(db, job.id, 'enqueued', note ? `${files.length} files; ${note}` : `${files.length} files`, nowMs);
      return job;
    });
  }

  async listFiles(jobId: string): Promise<RunFile[]> {
    return this.runner.read((db) =>
      all(db, 'SELECT seq, rel_path, size, sha256, uploaded_at, original_path, pack_offset FROM job_files WHERE job_id = ? ORDER BY seq', [
        jobId,
      ]).map((r) => ({
        seq: Number(r.seq),
        rel_path: String(r.rel_path),
        size: Number(r.size),
        sha256: String(r.sha256),
        uploaded_at: r.uploaded_at === null ? null : String(r.uploaded_at),
        original_path: r.original_path === null || r.original_path === undefined ? null : String(r.original_path),
        pack_offset: r.pack_offset === null || r.pack_offset === undefined ? null : Number(r.pack_offset),
      })),
    );
  }

  /** The SHA-256 of each piece of one file, taken at intake; null for a small file or one taken in before them. */
  async chunkDigests(jobId: string, seq: number): Promise<ChunkDigests | null> {
    return this.runner.read((db) => {
      const r = one(db, 'SELECT chunk_bytes, digests FROM job_file_chunks WHERE job_id = ? AND seq = ?', [jobId, seq]);
      if (!r || !(r.digests instanceof Uint8Array)) return null;
      return { chunkBytes: Number(r.chunk_bytes), digests: r.digests };
    });
  }

  /** Mark one file as whole on the NAS under its final name. */
  async markFileUploaded(jobId: string, seq: number, at: string): Promise<void> {
    return this.runner.write([jobId], (db) => {
      run(db, 'UPDATE job_files SET uploaded_at = ? WHERE job_id = ? AND seq = ?', [at, jobId, seq]);
    });
  }

  /** Forget that these files (all when `seqs` is omitted) were uploaded, so they are sent again. */
  async markFilesNotUploaded(jobId: string, seqs?: readonly number[]): Promise<void> {
    return this.runner.write([jobId], (db) => {
      if (!seqs) run(db, 'UPDATE job_files SET uploaded_at = NULL WHERE job_id = ?', [jobId]);
      else for (const seq of seqs) run(db, 'UPDATE job_files SET uploaded_at = NULL WHERE job_id = ? AND seq = ?', [jobId, seq]);
    });
  }

  /** Whether a job that is not yet deleted already uses this NAS folder (intake gives a new run its own). */
  async nasPathTaken(nasPath: string): Promise<boolean> {
    return this.runner.read((db) => one(db, 'SELECT 1 AS x FROM jobs WHERE nas_path = ? LIMIT 1', [nasPath]) !== null);
  }

  /**
   * Which of `ids` (the run folders on the device) have a job: a folder with none is what a crash during
   * intake left. Asks by id, so start-up costs the folders on the device, not the jobs in the history.
   */
  async knownJobIds(ids: readonly string[]): Promise<Set<string>> {
    return this.runner.read((db) => {
      const known = new Set<string>();
      for (const id of ids) if (one(db, 'SELECT 1 AS x FROM jobs WHERE id = ?', [id]) !== null) known.add(id);
      return known;
    });
  }
}

export function deleteFileRows(db: Database, jobId: string): void {
  run(db, 'DELETE FROM job_files WHERE job_id = ?', [jobId]);
  run(db, 'DELETE FROM job_file_chunks WHERE job_id = ?', [jobId]);
}
