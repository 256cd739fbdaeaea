// The SHA-256 of each 4 MiB piece of a big file, taken by WebCrypto when intake reads it, so that reading
// the file back from the NAS can be checked piece by piece. WebCrypto cannot hash a stream (one call per
// digest), but it uses the CPU's SHA instructions: about 1 GB/s in Chromium on the bench machine, where
// the streaming SHA-256 of hash-wasm does about 290 MB/s and bound every read-back of a big file. The
// whole-file SHA-256 is still taken at intake: it is what the manifest on the NAS says.

/** The piece a digest covers; a stored list says its own piece size, so this may change for new runs. */
export const DIGEST_CHUNK_BYTES = 4 * 1024 * 1024;
/** Whether a file of `size` bytes gets its pieces' digests: one of a single piece is read back against its SHA-256. */
export const keepsPieces = (size: number): boolean => size > DIGEST_CHUNK_BYTES;
/** Digests asked for and not yet answered: each holds a copy of its piece (what the digester holds at most). */
const MAX_PENDING = 4;
const DIGEST_BYTES = 32;
/** The biggest piece a read-back holds in memory: a stored list of bigger pieces is not used. */
const MAX_CHUNK_BYTES = 64 * 1024 * 1024;

/** The SHA-256 of each `chunkBytes` piece of a file, in order, the last piece shorter; 32 bytes each. */
export interface ChunkDigests {
  chunkBytes: number;
  digests: Uint8Array;
}

export interface ChunkDigester {
  /** Take the next bytes of the stream; `bytes` may be reused by the caller once the promise settles. */
  update(bytes: Uint8Array): Promise<void>;
  finish(): Promise<ChunkDigests>;
}

export function createChunkDigester(chunkBytes = DIGEST_CHUNK_BYTES): ChunkDigester {
  // A piece of 0 bytes (or less) never fills: update() would loop on the same bytes for ever.
  if (!validPieceSize(chunkBytes)) throw new RangeError(`a piece of ${chunkBytes} bytes cannot be digested`);
  const done: Uint8Array[] = [];
  const pending: Promise<ArrayBuffer>[] = [];
  let buffer: Uint8Array<ArrayBuffer> | null = null;
  let filled = 0;
  // Only the digester's own buffer is handed to WebCrypto, which copies its input when called (so the buffer
  // is filled again at once). A view on the caller's bytes was not: intake's are views on the buffer the next
  // read of the source takes over (a BYOB read transfers it), and handed over as such, now and then the first
  // read of the NEXT file never answered in Chromium 156 (the hashing browser test hung in 4 runs of 8). A
  // copy of each piece (piece.slice()) cured that but left 4 MiB of garbage per piece: the renderer grew by
  // 74-80 MB while a 200 MB file was read back (bigrun.spec, goal < 64).
  async function digest(piece: Uint8Array<ArrayBuffer>): Promise<void> {
    const answer = crypto.subtle.digest('SHA-256', piece);
    answer.catch(() => undefined); // awaited below, or dropped with a stream that was given up
    pending.push(answer);
    while (pending.length > MAX_PENDING) done.push(new Uint8Array(await pending.shift()!));
  }
  return {
    async update(bytes) {
      let at = 0;
      while (at < bytes.length) {
        buffer ??= new Uint8Array(chunkBytes);
        const n = Math.min(chunkBytes - filled, bytes.length - at);
        buffer.set(bytes.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === chunkBytes) {
          await digest(buffer);
          filled = 0;
        }
      }
    },
    async finish() {
      if (filled > 0) await digest(buffer!.subarray(0, filled));
      filled = 0;
      for (const p of pending.splice(0)) done.push(new Uint8Array(await p));
      const digests = new Uint8Array(done.length * DIGEST_BYTES);
      done.forEach((d, i) => digests.set(d, i * DIGEST_BYTES));
      return { chunkBytes, digests };
    },
  };
}

/** Whether two lists are of the same pieces with the same digests (so the same bytes, in the same order). */
export function sameChunkDigests(a: ChunkDigests, b: ChunkDigests): boolean {
  if (a.chunkBytes !== b.chunkBytes || a.digests.length !== b.digests.length) return false;
  for (let i = 0; i < a.digests.length; i++) if (a.digests[i] !== b.digests[i]) return false;
  return true;
}

/**
 * Whether `d` can be the pieces of a file of `size` bytes: a piece size a read-back can hold and one
 * digest per piece. A stored list that cannot (a damaged row, one another version wrote) says nothing
 * about the file: its read-back goes by the whole-file SHA-256 instead.
 */
export function fitsFile(d: ChunkDigests, size: number): boolean {
  return validPieceSize(d.chunkBytes) && d.digests.length === DIGEST_BYTES * Math.ceil(size / d.chunkBytes);
}

function validPieceSize(chunkBytes: number): boolean {
  return Number.isSafeInteger(chunkBytes) && chunkBytes > 0 && chunkBytes <= MAX_CHUNK_BYTES;
}
