import { TIMED_OUT, withinMs } from '../../shared/withinMs';

// The packs being uploaded, each read through one read-only sync access handle: a file's bytes come
// straight from disk into the PUT. Per file, `getFile().slice()` and the Blob body it makes cost the worker
// about 1 ms and the browser process more (blob registry, then reading the blob for the network service);
// a 2,000-file run uploaded in 8.3 s this way against 12.9 s through Blob slices (production path, loopback).

/** How long a pack's handle stays open after its last read; a run's uploads read it every few ms. */
export const READER_IDLE_MS = 1_000;
/**
 * Chromium has left a createSyncAccessHandle unanswered (store.ts openAccess): a read-only open that
 * takes longer is given up, the pack is read another way, and a handle it gives later is closed.
 */
export const READ_ONLY_OPEN_MS = 5_000;

/** The pack ends before the bytes its row names: the run's files are not all on the device. */
export class PackCutShortError extends Error {
  override name = 'PackCutShortError';
}

export interface PackReaders {
  /**
   * `size` bytes at `at` of the job's pack, or null when no read-only handle can be had (another handle
   * holds the file, or the open did not answer: the caller reads it another way). Throws what opening the
   * file throws (NotFoundError: the pack is gone, or the run is being deleted), PackCutShortError, and
   * what a failed read throws (InvalidStateError: not a missing file).
   */
  read(jobId: string, pack: () => Promise<FileSystemFileHandle>, at: number, size: number): Promise<Uint8Array<ArrayBuffer> | null>;
  /**
   * Run `remove` (the deletion of the job's folder) with the job's handle closed and none opened for it
   * meanwhile: a handle opened by an upload still under way would make the deletion fail.
   */
  whileDeleting<T>(jobId: string, remove: () => Promise<T>): Promise<T>;
  /** Close every handle (the queue goes to another tab, which may delete these runs). */
  closeAll(): Promise<void>;
}

interface Reader {
  /** Settles within READ_ONLY_OPEN_MS: null when no handle was had. */
  access: Promise<FileSystemSyncAccessHandle | null>;
  timer?: ReturnType<typeof setTimeout>;
}

type ReadOnlyOpen = (options: { mode: 'read-only' }) => Promise<FileSystemSyncAccessHandle>;

/** `open` queues the opening of a handle behind the others (store.ts openAccess says why). */
export function createPackReaders(
  open: (start: () => Promise<FileSystemSyncAccessHandle>) => Promise<FileSystemSyncAccessHandle>,
): PackReaders {
  const readers = new Map<string, Reader>();
  // How many deletions of each job's folder are under way.
  const deleting = new Map<string, number>();
  const gone = (jobId: string) => new DOMException(`run ${jobId} is being deleted`, 'NotFoundError');

  async function openReader(pack: () => Promise<FileSystemFileHandle>): Promise<FileSystemSyncAccessHandle | null> {
    const handle = await pack();
    const started = open(() => (handle.createSyncAccessHandle as unknown as ReadOnlyOpen).call(handle, { mode: 'read-only' }));
    let access: FileSystemSyncAccessHandle | typeof TIMED_OUT;
    try {
      access = await withinMs(started, READ_ONLY_OPEN_MS);
    } catch (err) {
      // Held by a handle that does not share (the pack still being written, an older browser without
      // read-only handles): not an error of the file.
      if (err instanceof DOMException && err.name === 'NoModificationAllowedError') return null;
      throw err;
    }
    if (access !== TIMED_OUT) return access;
    void started.then(
      (late) => late.close(),
      () => undefined,
    );
    return null;
  }

  function closeLater(jobId: string, reader: Reader): void {
    clearTimeout(reader.timer);
    reader.timer = setTimeout(() => void close(jobId), READER_IDLE_MS);
  }

  async function close(jobId: string): Promise<void> {
    const reader = readers.get(jobId);
    if (!reader) return;
    readers.delete(jobId);
    clearTimeout(reader.timer);
    (await reader.access.catch(() => null))?.close();
  }

  return {
    async read(jobId, pack, at, size) {
      if (deleting.has(jobId)) throw gone(jobId);
      let reader = readers.get(jobId);
      if (!reader) {
        reader = { access: openReader(pack) };
        readers.set(jobId, reader);
        // A failed, refused or unanswered open is not kept: the next read tries again.
        const opened = reader;
        void opened.access.then(
          (a) => a === null && readers.get(jobId) === opened && readers.delete(jobId),
          () => readers.get(jobId) === opened && readers.delete(jobId),
        );
      }
      clearTimeout(reader.timer);
      const access = await reader.access;
      if (access === null) return null;
      // Closed meanwhile because the run is being deleted: its files are going.
      if (deleting.has(jobId)) throw gone(jobId);
      if (readers.get(jobId) === reader) closeLater(jobId, reader);
      if (at + size > access.getSize()) throw new PackCutShortError(`the pack ends before byte ${at + size}`);
      const bytes = new Uint8Array(size);
      let got = 0;
      while (got < size) {
        const n = access.read(bytes.subarray(got), { at: at + got });
        if (n === 0) throw new PackCutShortError(`the pack ends at byte ${at + got}`);
        got += n;
      }
      return bytes;
    },
    async whileDeleting(jobId, remove) {
      deleting.set(jobId, (deleting.get(jobId) ?? 0) + 1);
      try {
        await close(jobId);
        return await remove();
      } finally {
        const n = deleting.get(jobId)! - 1;
        if (n) deleting.set(jobId, n);
        else deleting.delete(jobId);
      }
    },
    async closeAll() {
      await Promise.all([...readers.keys()].map(close));
    },
  };
}
