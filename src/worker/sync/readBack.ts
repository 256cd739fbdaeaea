import { createStreamHasher } from '../hash/streamHasher';
import type { DavClient } from '../webdav/client';

/** The SHA-256 of a file on the NAS, read back chunk by chunk (never held whole); `onBytes` counts progress. */
export async function readBackSha256(
  dav: DavClient,
  path: string[],
  expectedBytes: number,
  signal: AbortSignal,
  onBytes?: (n: number) => void,
): Promise<string> {
  const hasher = await createStreamHasher(expectedBytes);
  try {
    for await (const chunk of dav.getFile(path)) {
      signal.throwIfAborted();
      await hasher.update(chunk);
      onBytes?.(chunk.length);
    }
    return await hasher.digest();
  } finally {
    hasher.dispose();
  }
}
