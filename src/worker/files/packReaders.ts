// The packs being uploaded, each read through one read-only sync access handle: a file's bytes come
// straight from disk into the PUT. Per file, `getFile().slice()` and the Blob body it makes cost the worker
// about 1 ms and the browser process more (blob registry, then reading the blob for the network service);
// a 2,000-file run uploaded in 8.3 s this way against 12.9 s through Blob slices (production path, loopback).

/** How long a pack's handle stays open after its last read; a run's uploads read it every few ms. */
export const READER_IDLE_MS = 1_000;

export interface PackReaders {
  /**
   * `size` bytes at `at` of the job's pack, or null when no read-only handle can be had (another
   * handle holds the file: the caller reads it another way). Throws what opening the file throws
   * (NotFoundError: the pack is gone), and RangeError when the pack ends before those bytes.
   */
  read(jobId: string, pack: () => Promise<FileSystemFileHandle>, at: number, size: number): Promise<Uint8Array<ArrayBuffer> | null>;
  /**
   * Close the job's handle, if open, and open none for it again: its folder is about to be deleted (a
   * handle opened by an upload still under way would make the deletion fail). Its reads then throw NotFoundError.
   */
  retire(jobId: string): Promise<void>;
  /** Close every handle (the queue goes to another tab, which may delete these runs). */
  closeAll(): Promise<void>;
}

interface Reader {
  access: Promise<FileSystemSyncAccessHandle | null>;
  timer?: ReturnType<typeof setTimeout>;
}

type ReadOnlyOpen = (options: { mode: 'read-only' }) => Promise<FileSystemSyncAccessHandle>;

/** `open` queues the opening of a handle behind the others (store.ts openAccess says why). */
export function createPackReaders(
  open: (start: () => Promise<FileSystemSyncAccessHandle>) => Promise<FileSystemSyncAccessHandle>,
): PackReaders {
  const readers = new Map<string, Reader>();
  // Runs whose folders were deleted (or are being): one short id per deleted run, for the worker's life.
  const retired = new Set<string>();

  async function openReader(pack: () => Promise<FileSystemFileHandle>): Promise<FileSystemSyncAccessHandle | null> {
    const handle = await pack();
    try {
      return await open(() => (handle.createSyncAccessHandle as unknown as ReadOnlyOpen).call(handle, { mode: 'read-only' }));
    } catch (err) {
      // Held by a handle that does not share (the pack still being written, an older browser without
      // read-only handles): not an error of the file.
      if (err instanceof DOMException && err.name === 'NoModificationAllowedError') return null;
      throw err;
    }
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
      if (retired.has(jobId)) throw new DOMException(`run ${jobId} was deleted`, 'NotFoundError');
      let reader = readers.get(jobId);
      if (!reader) {
        reader = { access: openReader(pack) };
        readers.set(jobId, reader);
        // A failed or refused open is not kept: the next read tries again.
        const opened = reader;
        void opened.access.then(
          (a) => a === null && readers.get(jobId) === opened && readers.delete(jobId),
          () => readers.get(jobId) === opened && readers.delete(jobId),
        );
      }
      clearTimeout(reader.timer);
      const access = await reader.access;
      if (access === null) return null;
      if (readers.get(jobId) === reader) closeLater(jobId, reader);
      // Closed meanwhile (the run deleted): InvalidStateError, as for any read of a closed handle.
      if (at + size > access.getSize()) throw new RangeError(`the pack ends before byte ${at + size}`);
      const bytes = new Uint8Array(size);
      let got = 0;
      while (got < size) {
        const n = access.read(bytes.subarray(got), { at: at + got });
        if (n === 0) throw new RangeError(`the pack ends at byte ${at + got}`);
        got += n;
      }
      return bytes;
    },
    async retire(jobId) {
      retired.add(jobId);
      await close(jobId);
    },
    async closeAll() {
      await Promise.all([...readers.keys()].map(close));
    },
  };
}
