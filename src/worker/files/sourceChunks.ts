// Reading a picked file for intake: its bytes in big chunks, through one buffer.
import { SourceChangedError } from '../errors';
import { TIMED_OUT, withinMs } from '../../shared/withinMs';

export const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * A read of the picked file that has not answered in this long is given up: the file is opened again at
 * the start of the chunk being read. Chromium 156 now and then leaves a read of a picked file's stream
 * unanswered for good, part-way into a big file: in a page driven over the DevTools pipe, 3 of 4 sessions
 * of repeated 1 and 4 GB intakes stopped so (at 4 MB, 2.6 GB, 4.0 GB of a 4 GB file), as the bench's memory
 * runs had. With this watch, 21 runs in 3 sessions had no read that waited 10 s, so its reopen never ran
 * there (a waiting timer may itself keep the read answered); the tests here drive it with a stream that hangs.
 */
export const READ_STALL_MS = 10_000;
/** Times one chunk may be opened again; after that its read is waited for, and intake's own watch ends it. */
const MAX_REOPENS = 3;

/**
 * The source's bytes in chunks of CHUNK_BYTES (the last one shorter), read into one reused buffer: a
 * chunk is valid only until the next is asked for. Reading 4 MB slices with Blob.slice().arrayBuffer()
 * made a new 4 MB array each, left to the garbage collector: the renderer grew by 200 MB while 1 GB
 * was taken in. The stream is also faster (1 GB in 1.3 s against 1.9 s on the bench machine).
 * SourceChangedError when the file is not the one picked: fewer or more bytes than its picked size, or a
 * read that failed. A change in place is seen only by unchangedSincePicked(), once it has been read.
 */
export async function* sourceChunks(body: Blob, stallMs = READ_STALL_MS): AsyncGenerator<Uint8Array> {
  // A file of one chunk is read in one go: setting up a stream cost more than reading a small file.
  if (body.size <= CHUNK_BYTES) {
    const whole = new Uint8Array(await fromSource(body.arrayBuffer()));
    if (whole.length !== body.size) throw new SourceChangedError(null);
    if (whole.length) yield whole;
    return;
  }
  let source = openAt(body, 0);
  let buffer = new ArrayBuffer(CHUNK_BYTES);
  let total = 0;
  try {
    for (;;) {
      let filled = 0;
      let reopens = 0;
      while (filled < CHUNK_BYTES) {
        const step = await source.read(buffer, filled, reopens < MAX_REOPENS ? stallMs : null);
        if (step === TIMED_OUT) {
          // The unanswered read holds the buffer (a read transfers it): the chunk is read again into a new one.
          source.cancel();
          source = openAt(body, total);
          buffer = new ArrayBuffer(CHUNK_BYTES);
          filled = 0;
          reopens++;
          continue;
        }
        buffer = step.buffer;
        if (step.length === 0) break;
        filled += step.length;
      }
      total += filled;
      // One still growing (an instrument appending to it) is not the file picked either. (A stream opened
      // again reads a slice, which ends at the picked size: Chromium refuses to open a file whose time moved
      // since it was picked, and unchangedSincePicked() looks once more at the end.)
      if (total > body.size) throw new SourceChangedError(null);
      const last = filled < CHUNK_BYTES;
      // A picked file is a snapshot, but Chromium streams the file as it is now: one cut short while it
      // was read (an instrument rewriting it) simply ended early, and was queued as the run's file.
      if (last && total !== body.size) throw new SourceChangedError(null);
      if (filled > 0) yield new Uint8Array(buffer, 0, filled);
      if (last) return;
    }
  } finally {
    // A write that failed leaves the rest unread: let the browser stop reading the source.
    source.cancel();
  }
}

/** One stream of the source from byte `at`: reads into the caller's buffer, or TIMED_OUT after `stallMs`. */
interface OpenSource {
  /** Bytes into `buffer` from `filled`; `length` 0 at the end. `buffer` is the one to use after (a read may move it). */
  read(buffer: ArrayBuffer, filled: number, stallMs: number | null): Promise<{ buffer: ArrayBuffer; length: number } | typeof TIMED_OUT>;
  cancel(): void;
}

function openAt(body: Blob, at: number): OpenSource {
  const stream = (at === 0 ? body : body.slice(at)).stream();
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = stream.getReader({ mode: 'byob' });
  } catch {
    byob = null; // a browser whose Blob stream is not a byte stream: its pieces are copied in
  }
  const plain = byob ? null : stream.getReader();
  let carry: Uint8Array | null = null;
  async function readInto(buffer: ArrayBuffer, filled: number): Promise<{ buffer: ArrayBuffer; length: number }> {
    if (byob) {
      const step = await byob.read(new Uint8Array(buffer, filled, CHUNK_BYTES - filled));
      return { buffer: (step.value?.buffer as ArrayBuffer | undefined) ?? buffer, length: step.done ? 0 : step.value.length };
    }
    let piece = carry;
    while (!piece?.length) {
      const step = await plain!.read();
      if (step.done) return { buffer, length: 0 };
      piece = step.value; // an empty piece is not the end: read on
    }
    const n = Math.min(piece.length, CHUNK_BYTES - filled);
    new Uint8Array(buffer).set(piece.subarray(0, n), filled);
    carry = n < piece.length ? piece.subarray(n) : null;
    return { buffer, length: n };
  }
  return {
    read(buffer, filled, stallMs) {
      const answer = fromSource(readInto(buffer, filled));
      return stallMs === null ? answer : withinMs(answer, stallMs);
    },
    cancel: () => void (byob ?? plain)!.cancel().catch(() => undefined),
  };
}

/** A failed read of the picked file (changed since picked, moved, deleted, its disk gone) is that file's fault. */
async function fromSource<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (err) {
    throw new SourceChangedError(null, { cause: err });
  }
}

/**
 * Rejects (SourceChangedError) when the picked file is no longer the one picked. Chromium refuses to open
 * a picked file whose modification time moved since it was picked (NotReadableError), but checks only
 * when it opens it: a file rewritten in place at the same size while it is read streams half old and half
 * new bytes with no error, and that torn copy would be hashed, synced and verified against itself.
 * Opening it once more after it was read catches that. An empty file is read whole (no bytes, but the
 * browser still opens it): skipped, one picked empty and filled by the instrument while the rest of the
 * run was copied was queued as 0 bytes.
 * Not caught (measured, Chromium 156 on ext4): a writer that sets the old modification time back (touch -r,
 * to the nanosecond) or writes through a memory map into pages already dirty (no new time then): a torn
 * copy is queued. A time set back only to the millisecond is caught. Chromium compares the time alone.
 */
export async function unchangedSincePicked(body: Blob): Promise<void> {
  await fromSource((body.size > 0 ? body.slice(body.size - 1) : body).arrayBuffer());
}
