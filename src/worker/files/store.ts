// files/: the run files kept on the device in OPFS, under runs/<job id>/f<n> (never a name from user
// text), hashed while written; intake.ts stores a run and queues it in one go.
import { createSHA256 } from 'hash-wasm';
import { LocalFileMissingError, StorageFullError } from '../errors';

// The run files kept on the device, in OPFS under runs/<job id>/f<seq>: named by the job id and a
// sequence number, never by user text. Files are streamed in and hashed (SHA-256, hash-wasm) as they
// are written, then flushed, before the job row is committed.

export interface StoredFile {
  seq: number;
  size: number;
  sha256: string;
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

const CHUNK_BYTES = 4 * 1024 * 1024;

/** The browser's store: nothing kept between calls, each call opens the runs folder itself. */
export function createOpfsFileStore(): FileStore {
  return { write: writeRunFile, open: openRunFile, deleteRun, runIds };
}

async function runsDir(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle('runs', { create: true });
}

async function writeRunFile(jobId: string, seq: number, body: Blob, onProgress?: (bytes: number) => void): Promise<StoredFile> {
  const dir = await (await runsDir()).getDirectoryHandle(jobId, { create: true });
  const handle = await dir.getFileHandle(`f${seq}`, { create: true });
  const access = await handle.createSyncAccessHandle();
  const hasher = await createSHA256();
  let offset = 0;
  try {
    access.truncate(0);
    // Blob.slice streams from the source file a chunk at a time; only one chunk is in memory.
    for (let start = 0; start < body.size; start += CHUNK_BYTES) {
      const chunk = new Uint8Array(await body.slice(start, start + CHUNK_BYTES).arrayBuffer());
      hasher.update(chunk);
      let written = 0;
      while (written < chunk.length) written += access.write(chunk.subarray(written), { at: offset + written });
      offset += chunk.length;
      onProgress?.(offset);
    }
    access.flush();
  } catch (err) {
    if (err instanceof DOMException && err.name === 'QuotaExceededError') {
      throw new StorageFullError(body.size, null);
    }
    throw err;
  } finally {
    access.close();
  }
  return { seq, size: offset, sha256: hasher.digest('hex') };
}

async function openRunFile(jobId: string, seq: number, relPath: string): Promise<Blob> {
  try {
    const dir = await (await runsDir()).getDirectoryHandle(jobId);
    return await (await dir.getFileHandle(`f${seq}`)).getFile();
  } catch (err) {
    if (err instanceof DOMException && (err.name === 'NotFoundError' || err.name === 'TypeMismatchError')) {
      throw new LocalFileMissingError(relPath);
    }
    throw err;
  }
}

async function deleteRun(jobId: string): Promise<void> {
  try {
    await (await runsDir()).removeEntry(jobId, { recursive: true });
  } catch (err) {
    if (!(err instanceof DOMException && err.name === 'NotFoundError')) throw err;
  }
}

async function runIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const [name, entry] of (await runsDir()) as unknown as AsyncIterable<[string, FileSystemHandle]>) {
    if (entry.kind === 'directory') ids.push(name);
  }
  return ids;
}
