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

/** Bytes [start, start + CHUNK_BYTES) of `body`; a read that is never awaited (a failure before it) is not reported. */
function readChunk(body: Blob, start: number): Promise<Uint8Array> {
  const read = body.slice(start, start + CHUNK_BYTES).arrayBuffer().then((b) => new Uint8Array(b));
  read.catch(() => undefined);
  return read;
}

export function createOpfsFileStore(): FileStore {
  // The folder handles, looked up once: each lookup is a round trip to the browser process, and a run
  // of 2,000 small files opened every file through three of them.
  let runs: Promise<FileSystemDirectoryHandle> | null = null;
  const jobDirs = new Map<string, Promise<FileSystemDirectoryHandle>>();
  function runsDir(): Promise<FileSystemDirectoryHandle> {
    runs ??= navigator.storage.getDirectory().then((root) => root.getDirectoryHandle('runs', { create: true }));
    const lookup = runs;
    lookup.catch(() => {
      if (runs === lookup) runs = null;
    });
    return lookup;
  }
  function jobDir(jobId: string, create: boolean): Promise<FileSystemDirectoryHandle> {
    let dir = jobDirs.get(jobId);
    if (!dir) {
      dir = runsDir().then((r) => r.getDirectoryHandle(jobId, { create }));
      jobDirs.set(jobId, dir);
      // A folder that is not there (yet) is looked up afresh next time.
      const lookup = dir;
      lookup.catch(() => {
        if (jobDirs.get(jobId) === lookup) jobDirs.delete(jobId);
      });
    }
    return dir;
  }

  return {
    async write(jobId, seq, body, onProgress) {
      const dir = await jobDir(jobId, true);
      const handle = await dir.getFileHandle(`f${seq}`, { create: true });
      const access = await handle.createSyncAccessHandle();
      const hasher = await createSHA256();
      let offset = 0;
      try {
        access.truncate(0);
        // Blob.slice streams from the source file a chunk at a time. The next chunk is read while this
        // one is hashed and written, so reading and hashing overlap; two chunks at most are in memory.
        let next: Promise<Uint8Array> | null = readChunk(body, 0);
        while (next) {
          const chunk: Uint8Array = await next;
          next = offset + chunk.length < body.size ? readChunk(body, offset + chunk.length) : null;
          hasher.update(chunk);
          let written = 0;
          while (written < chunk.length) written += access.write(chunk.subarray(written), { at: offset + written });
          offset += chunk.length;
          onProgress?.(offset);
          if (!chunk.length) break;
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
    },

    async open(jobId, seq, relPath) {
      try {
        const dir = await jobDir(jobId, false);
        return await (await dir.getFileHandle(`f${seq}`)).getFile();
      } catch (err) {
        if (err instanceof DOMException && (err.name === 'NotFoundError' || err.name === 'TypeMismatchError')) {
          throw new LocalFileMissingError(relPath);
        }
        throw err;
      }
    },

    async deleteRun(jobId) {
      jobDirs.delete(jobId);
      try {
        await (await runsDir()).removeEntry(jobId, { recursive: true });
      } catch (err) {
        if (!(err instanceof DOMException && err.name === 'NotFoundError')) throw err;
      }
    },

    async runIds() {
      const ids: string[] = [];
      for await (const [name, entry] of (await runsDir()) as unknown as AsyncIterable<[string, FileSystemHandle]>) {
        if (entry.kind === 'directory') ids.push(name);
      }
      return ids;
    },
  };
}
