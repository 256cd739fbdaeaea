// files/: the run files kept on the device in OPFS, under runs/<job id>/ (never a name from user text),
// hashed while written; intake.ts stores a run and queues it in one go.
import { LocalFileMissingError, StorageFullError } from '../errors';
import type { ChunkDigests } from '../hash/chunkDigests';
import { createFileHashes } from '../hash/fileHashes';
import { PackCutShortError, type PackReaders, createPackReaders } from './packReaders';
import { type DeviceFile, PACK_NAME, packHolds, packPlaces } from './runPack';
import { sourceChunks } from './sourceChunks';
import { withinMs } from '../../shared/withinMs';

// The run files kept on the device, in OPFS under runs/<job id>/: a big file as f<seq>, the small ones
// side by side in `pack` (runPack.ts); named by the job id and a sequence number, never by user text.
// Files are streamed in and hashed (SHA-256, hash-wasm) as they are written, then flushed, before the
// job row is committed.

export interface StoredFile {
  seq: number;
  size: number;
  sha256: string;
  /** The SHA-256 of each piece, for a file bigger than one piece (hash/chunkDigests.ts); else null. */
  chunks: ChunkDigests | null;
  /** Where the file starts in its run's pack; null for a file of its own (f<seq>). */
  packOffset: number | null;
}

/** A run's pack while intake fills it (runPack.ts). */
export interface PackWriter {
  /** Add `body` (goesInPack of its size) as file `seq`; reports bytes written. */
  append(seq: number, body: Blob, onProgress?: (bytes: number) => void): Promise<StoredFile>;
  /** Flush and close: what was appended is on disk. Nothing may be appended after. */
  finish(): Promise<void>;
  /** Close without flushing: intake failed and deletes the run's folder. */
  abandon(): void;
}

/** Where the engine gets run files from; OPFS in the browser, a folder in Node tests. */
export interface FileStore {
  /** Write `body` as file `seq` of the job, a file of its own; reports bytes written. */
  write(jobId: string, seq: number, body: Blob, onProgress?: (bytes: number) => void): Promise<StoredFile>;
  /** Start the job's pack, for its small files. */
  openPack(jobId: string): Promise<PackWriter>;
  /**
   * The stored file: a Blob that streams from disk, or for a small file in a pack its bytes;
   * LocalFileMissingError when it is gone or cut short.
   */
  open(jobId: string, file: DeviceFile): Promise<Blob | Uint8Array<ArrayBuffer>>;
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

/** The browser's store; it keeps the folder handles, and the packs being read, between calls. */
export function createOpfsFileStore(): FileStore & { closeReaders(): Promise<void> } {
  const folders = createFolderHandles();
  const readers = createPackReaders(openAccess);
  return {
    write: (jobId, seq, body, onProgress) => writeRunFile(folders, jobId, seq, body, onProgress),
    openPack: (jobId) => openPack(folders, jobId),
    open: (jobId, file) => openRunFile(folders, readers, jobId, file),
    deleteRun: (jobId) => readers.whileDeleting(jobId, () => deleteRun(folders, jobId)),
    runIds: () => runIds(folders),
    closeReaders: () => readers.closeAll(),
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
  const access = await openAccess(await dir.getFileHandle(`f${seq}`, { create: true }));
  try {
    // A file left by an intake that was cut off is written over from the start; a new one (nearly all)
    // is not truncated: each truncate is a round trip to the browser process.
    if (access.getSize() > 0) access.truncate(0);
    const copied = await copyInto(access, 0, body, onProgress);
    try {
      access.flush();
    } catch (err) {
      throw asStorageFull(err, body.size);
    }
    return { seq, ...copied, packOffset: null };
  } finally {
    access.close();
  }
}

async function openPack(folders: FolderHandles, jobId: string): Promise<PackWriter> {
  const dir = await folders.job(jobId, true);
  const access = await openAccess(await dir.getFileHandle(PACK_NAME, { create: true }));
  if (access.getSize() > 0) access.truncate(0);
  const places = packPlaces();
  return {
    async append(seq, body, onProgress) {
      const at = places.take(body.size);
      return { seq, ...(await copyInto(access, at, body, onProgress)), packOffset: at };
    },
    async finish() {
      places.close();
      try {
        access.flush();
      } catch (err) {
        throw asStorageFull(err, places.end);
      } finally {
        access.close();
      }
    },
    abandon() {
      if (places.close()) access.close();
    },
  };
}

/** Read `body` (the picked file), hash it, and write it into `access` from byte `at`. */
async function copyInto(
  access: FileSystemSyncAccessHandle,
  at: number,
  body: Blob,
  onProgress?: (bytes: number) => void,
): Promise<{ size: number; sha256: string; chunks: ChunkDigests | null }> {
  const hashes = await createFileHashes(body.size);
  let offset = 0;
  try {
    // The source is read a chunk at a time into one buffer, written, and hashed (in a worker of its own
    // for a big file, which hashes while the next chunk is read and written).
    for await (const chunk of sourceChunks(body)) {
      const hashed = hashes.update(chunk);
      hashed.catch(() => undefined); // awaited below, unless the write throws first
      let written = 0;
      while (written < chunk.length) written += access.write(chunk.subarray(written), { at: at + offset + written });
      await hashed;
      offset += chunk.length;
      onProgress?.(offset);
    }
    return { size: offset, ...(await hashes.finish()) };
  } catch (err) {
    hashes.dispose();
    throw asStorageFull(err, body.size);
  }
}

/** A write the disk had no room for is the device being full: the page says how much the run needs. */
function asStorageFull(err: unknown, bytes: number): unknown {
  return err instanceof DOMException && err.name === 'QuotaExceededError' ? new StorageFullError(bytes, null) : err;
}

let opening: Promise<unknown> = Promise.resolve();

/** How long the next open waits for one that has not answered: one that never does holds up no other. */
const OPEN_WAIT_MS = 5_000;

/**
 * One createSyncAccessHandle at a time. With four in flight at once, Chromium left one of them
 * unanswered about once in 20,000 files (the file's lock free, the promise never settled): the intake
 * never ended. (Should anything else stall, intake.ts gives up after a minute without progress.)
 */
function openAccess(handle: FileSystemFileHandle | (() => Promise<FileSystemSyncAccessHandle>)): Promise<FileSystemSyncAccessHandle> {
  const open = opening.then(() => (typeof handle === 'function' ? handle() : handle.createSyncAccessHandle()));
  opening = withinMs(
    open.catch(() => undefined),
    OPEN_WAIT_MS,
  );
  return open;
}

async function openRunFile(
  folders: FolderHandles,
  readers: PackReaders,
  jobId: string,
  file: DeviceFile,
): Promise<Blob | Uint8Array<ArrayBuffer>> {
  try {
    const dir = await folders.job(jobId, false);
    if (file.pack_offset === null) return await (await dir.getFileHandle(`f${file.seq}`)).getFile();
    if (!packHolds(Number.MAX_SAFE_INTEGER, file)) throw new LocalFileMissingError(file.rel_path);
    const bytes = await readers.read(jobId, () => dir.getFileHandle(PACK_NAME), file.pack_offset, file.size);
    if (bytes) return bytes;
    const pack = await (await dir.getFileHandle(PACK_NAME)).getFile();
    if (!packHolds(pack.size, file)) throw new LocalFileMissingError(file.rel_path);
    return pack.slice(file.pack_offset, file.pack_offset + file.size);
  } catch (err) {
    // Gone, or cut short. Any other failure of a read (InvalidStateError: "Failed to read the content") is
    // not a missing file: the job is tried again.
    if (err instanceof PackCutShortError) throw new LocalFileMissingError(file.rel_path);
    if (err instanceof DOMException && (err.name === 'NotFoundError' || err.name === 'TypeMismatchError')) {
      throw new LocalFileMissingError(file.rel_path);
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
