// files/: the run files kept on the device in OPFS, under runs/<job id>/f<n> (never a name from user
// text), hashed while written; intake.ts stores a run and queues it in one go.
import { LocalFileMissingError, StorageFullError } from '../errors';
import type { ChunkDigests } from '../hash/chunkDigests';
import { type FileHashes, createFileHashes } from '../hash/fileHashes';
import { sourceChunks } from './sourceChunks';

// The run files kept on the device, in OPFS under runs/<job id>/f<seq>: named by the job id and a
// sequence number, never by user text. Files are streamed in and hashed (SHA-256, hash-wasm) as they
// are written, then flushed, before the job row is committed.

export interface StoredFile {
  seq: number;
  size: number;
  sha256: string;
  /** The SHA-256 of each piece, for a file bigger than one piece (hash/chunkDigests.ts); else null. */
  chunks: ChunkDigests | null;
}

/** Where the engine gets run files from; OPFS in the browser, a folder in Node tests. */
export interface FileStore {
  /** Write `body` as file `seq` of the job; reports bytes written. */
  write(jobId: string, seq: number, body: Blob, onProgress?: (bytes: number) => void): Promise<StoredFile>;
  /** The stored file as a Blob that streams from disk; LocalFileMissingError when it is gone. */
  open(jobId: string, seq: number, relPath: string): Promise<Blob>;
  /** Delete the job's folder and everything in it (nothing when it is not there). */
  deleteRun(jobId: string): Promise<void>;
  /** The job ids that have a folder. */
  runIds(): Promise<string[]>;
}

/** The runs folder and each run's folder, looked up once and kept. */
interface FolderHandles {
  runs(): Promise<FileSystemDirectoryHandle>;
  job(jobId: string, create: boolean): Promise<FileSystemDirectoryHandle>;
  forget(jobId: string): void;
}

/** The browser's store; it keeps only the folder handles between calls. */
export function createOpfsFileStore(): FileStore {
  const folders = createFolderHandles();
  return {
    write: (jobId, seq, body, onProgress) => writeRunFile(folders, jobId, seq, body, onProgress),
    open: (jobId, seq, relPath) => openRunFile(folders, jobId, seq, relPath),
    deleteRun: (jobId) => deleteRun(folders, jobId),
    runIds: () => runIds(folders),
  };
}

// Each lookup is a round trip to the browser process, and a run of 2,000 small files opened every file
// through three of them. A lookup that fails (a folder not there yet) is not kept: the next call asks again.
function createFolderHandles(): FolderHandles {
  let runs: Promise<FileSystemDirectoryHandle> | null = null;
  const jobs = new Map<string, Promise<FileSystemDirectoryHandle>>();
  function runsDir(): Promise<FileSystemDirectoryHandle> {
    const lookup = (runs ??= navigator.storage.getDirectory().then((root) => root.getDirectoryHandle('runs', { create: true })));
    lookup.catch(() => {
      if (runs === lookup) runs = null;
    });
    return lookup;
  }
  function job(jobId: string, create: boolean): Promise<FileSystemDirectoryHandle> {
    const kept = jobs.get(jobId);
    if (kept) return kept;
    const lookup = runsDir().then((r) => r.getDirectoryHandle(jobId, { create }));
    jobs.set(jobId, lookup);
    lookup.catch(() => {
      if (jobs.get(jobId) === lookup) jobs.delete(jobId);
    });
    return lookup;
  }
  return { runs: runsDir, job, forget: (jobId) => jobs.delete(jobId) };
}

async function writeRunFile(
  folders: FolderHandles,
  jobId: string,
  seq: number,
  body: Blob,
  onProgress?: (bytes: number) => void,
): Promise<StoredFile> {
  const dir = await folders.job(jobId, true);
  const handle = await dir.getFileHandle(`f${seq}`, { create: true });
  const access = await openAccess(handle);
  let hashes: FileHashes | null = null;
  let offset = 0;
  try {
    hashes = await createFileHashes(body.size);
    // A file left by an intake that was cut off is written over from the start; a new one (nearly all)
    // is not truncated: each truncate is a round trip to the browser process.
    if (access.getSize() > 0) access.truncate(0);
    // The source is read a chunk at a time into one buffer, written, and hashed (in a worker of its own
    // for a big file, which hashes while the next chunk is read and written).
    for await (const chunk of sourceChunks(body)) {
      const hashed = hashes.update(chunk);
      hashed.catch(() => undefined); // awaited below, unless the write throws first
      let written = 0;
      while (written < chunk.length) written += access.write(chunk.subarray(written), { at: offset + written });
      await hashed;
      offset += chunk.length;
      onProgress?.(offset);
    }
    access.flush();
    const { sha256, chunks } = await hashes.finish();
    return { seq, size: offset, sha256, chunks };
  } catch (err) {
    hashes?.dispose();
    if (err instanceof DOMException && err.name === 'QuotaExceededError') {
      throw new StorageFullError(body.size, null);
    }
    throw err;
  } finally {
    access.close();
  }
}

let opening: Promise<unknown> = Promise.resolve();

/**
 * One createSyncAccessHandle at a time. With four in flight at once, Chromium left one of them
 * unanswered about once in 20,000 files (the file's lock free, the promise never settled): the intake
 * never ended. (Should anything else stall, intake.ts gives up after a minute without progress.)
 */
function openAccess(handle: FileSystemFileHandle): Promise<FileSystemSyncAccessHandle> {
  const open = opening.then(() => handle.createSyncAccessHandle());
  opening = open.catch(() => undefined);
  return open;
}

async function openRunFile(folders: FolderHandles, jobId: string, seq: number, relPath: string): Promise<Blob> {
  try {
    const dir = await folders.job(jobId, false);
    return await (await dir.getFileHandle(`f${seq}`)).getFile();
  } catch (err) {
    if (err instanceof DOMException && (err.name === 'NotFoundError' || err.name === 'TypeMismatchError')) {
      throw new LocalFileMissingError(relPath);
    }
    throw err;
  }
}

async function deleteRun(folders: FolderHandles, jobId: string): Promise<void> {
  folders.forget(jobId);
  try {
    await (await folders.runs()).removeEntry(jobId, { recursive: true });
  } catch (err) {
    if (!(err instanceof DOMException && err.name === 'NotFoundError')) throw err;
  }
}

async function runIds(folders: FolderHandles): Promise<string[]> {
  const ids: string[] = [];
  for await (const [name, entry] of (await folders.runs()) as unknown as AsyncIterable<[string, FileSystemHandle]>) {
    if (entry.kind === 'directory') ids.push(name);
  }
  return ids;
}
