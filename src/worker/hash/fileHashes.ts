import { type ChunkDigests, createChunkDigester, keepsPieces } from './chunkDigests';
import { createStreamHasher } from './streamHasher';

// The hashes a run file gets as it is stored on the device, the same in every file store: its SHA-256
// (what the manifest on the NAS says) and, for a big file, the SHA-256 of each piece (what its read-back
// from the NAS is checked against).

export interface FileHashes {
  /** The next bytes of the file; `bytes` may be reused by the caller once the promise settles. */
  update(bytes: Uint8Array): Promise<void>;
  finish(): Promise<{ sha256: string; chunks: ChunkDigests | null }>;
  /** Forget a file that will not be finished (an error, an abort). */
  dispose(): void;
}

export async function createFileHashes(size: number): Promise<FileHashes> {
  const hasher = await createStreamHasher(size);
  const digester = keepsPieces(size) ? createChunkDigester() : null;
  return {
    // Both take the bytes side by side; Promise.all hears a rejection of either.
    update: async (bytes) => void (await Promise.all([hasher.update(bytes), digester?.update(bytes)])),
    finish: async () => ({ sha256: await hasher.digest(), chunks: (await digester?.finish()) ?? null }),
    dispose: () => hasher.dispose(),
  };
}
