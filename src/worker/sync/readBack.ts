import type { RunFile, RunFiles } from '../db/runFiles';
import { type ChunkDigests, createChunkDigester, fitsFile, keepsPieces, sameChunkDigests } from '../hash/chunkDigests';
import { createStreamHasher } from '../hash/streamHasher';
import type { DavClient } from '../webdav/client';

// Reading a run file back from the NAS to see that it holds the bytes intake stored: never held whole.

/**
 * Whether the NAS file at `path` holds exactly the bytes intake stored as `file`: piece by piece against
 * the digests intake took of a big file (WebCrypto, several times the speed), else against its SHA-256.
 * `onBytes` counts progress.
 */
export async function nasFileMatches(
  dav: DavClient,
  runFiles: RunFiles,
  jobId: string,
  file: RunFile,
  path: string[],
  signal: AbortSignal,
  onBytes?: (n: number) => void,
): Promise<boolean> {
  // A run of 2,000 small files asks for no pieces: intake keeps none for them.
  const stored = keepsPieces(file.size) ? await runFiles.chunkDigests(jobId, file.seq) : null;
  // A list that cannot be this file's pieces is not used: a piece size of 0 looped for ever (no abort
  // reached it, the engine could not stop), one digest short failed a good copy on every pass.
  if (stored && fitsFile(stored, file.size))
    return sameChunkDigests(await readBackChunkDigests(dav, path, stored.chunkBytes, signal, onBytes), stored);
  return (await readBackSha256(dav, path, file.size, signal, onBytes)) === file.sha256;
}

/** The SHA-256 of each `chunkBytes` piece of a file on the NAS, read back as a stream. */
export async function readBackChunkDigests(
  dav: DavClient,
  path: string[],
  chunkBytes: number,
  signal: AbortSignal,
  onBytes?: (n: number) => void,
): Promise<ChunkDigests> {
  const digester = createChunkDigester(chunkBytes);
  await readInto(digester, dav, path, signal, onBytes);
  return digester.finish();
}

/** The SHA-256 of a file on the NAS, read back chunk by chunk. */
export async function readBackSha256(
  dav: DavClient,
  path: string[],
  expectedBytes: number,
  signal: AbortSignal,
  onBytes?: (n: number) => void,
): Promise<string> {
  const hasher = await createStreamHasher(expectedBytes);
  try {
    await readInto(hasher, dav, path, signal, onBytes);
    return await hasher.digest();
  } finally {
    hasher.dispose();
  }
}

/** The file's bytes, as the NAS sends them, into `sink`; `onBytes` counts progress. */
async function readInto(
  sink: { update(bytes: Uint8Array): Promise<void> },
  dav: DavClient,
  path: string[],
  signal: AbortSignal,
  onBytes?: (n: number) => void,
): Promise<void> {
  for await (const chunk of dav.getFile(path)) {
    signal.throwIfAborted();
    await sink.update(chunk);
    onBytes?.(chunk.length);
  }
}
