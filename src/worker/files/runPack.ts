import { CHUNK_BYTES } from './sourceChunks';

// A run's small files are kept side by side in one device file, `pack` in the job's folder, each at its
// offset (job_files.pack_offset); a bigger file keeps a file of its own, `f<seq>`. For a run of 2,000
// small files, a file of its own each cost four round trips to Chromium's browser process per file
// (create, open, flush, close: 7.6 of the 11.7 s of intake on the bench machine) and a few KB of the
// browser's bookkeeping per OPFS file for as long as the browser runs. The pack is written once, at
// intake, flushed before the run is queued, and never written again; it goes with the job's folder.

export const PACK_NAME = 'pack';

/**
 * Whether a file of `size` bytes goes into its run's pack: one read in one go (sourceChunks), which gets no
 * pieces' digests (hash/chunkDigests.ts keepsPieces), so its read-back goes by its SHA-256 alone.
 */
export const goesInPack = (size: number): boolean => size <= CHUNK_BYTES;

/** Where a run file is on the device: the pack at `pack_offset`, or `f<seq>` when that is null. */
export interface DeviceFile {
  seq: number;
  size: number;
  rel_path: string;
  pack_offset: number | null;
}

/**
 * Whether a pack of `packSize` bytes holds the whole of `file` (a pack cut short has lost files). A place
 * intake never gives (a negative or fractional offset, a file too big for a pack: a damaged row) is not
 * read: Blob.slice counts a negative start from the end, and either way the bytes would be another file's.
 */
export const packHolds = (packSize: number, file: DeviceFile): boolean =>
  file.pack_offset !== null &&
  Number.isSafeInteger(file.pack_offset) &&
  Number.isSafeInteger(file.size) &&
  file.pack_offset >= 0 &&
  file.size >= 0 &&
  goesInPack(file.size) &&
  file.pack_offset + file.size <= packSize;

/** The places a pack gives its files as they are appended: what both file stores keep of an open pack. */
export interface PackPlaces {
  /** The offset for the next file of `size` bytes, taken before it is read, so files never overlap. */
  take(size: number): number;
  /** Close the pack to appends; whether it was open until now. */
  close(): boolean;
  /** The bytes the places taken so far cover. */
  readonly end: number;
}

export function packPlaces(): PackPlaces {
  let end = 0;
  let open = true;
  return {
    take(size) {
      if (!open) throw new Error("the run's pack is closed");
      if (!goesInPack(size)) throw new RangeError(`a file of ${size} bytes does not go into a pack`);
      const at = end;
      end += size;
      return at;
    },
    close() {
      const was = open;
      open = false;
      return was;
    },
    get end() {
      return end;
    },
  };
}
