import { createSHA256 } from 'hash-wasm';
import type { DavClient } from '../webdav/client';

/** The SHA-256 of a file on the NAS, read back chunk by chunk (never held whole); `onBytes` counts progress. */
export async function readBackSha256(dav: DavClient, path: string[], signal: AbortSignal, onBytes?: (n: number) => void): Promise<string> {
  const hasher = await createSHA256();
  for await (const chunk of dav.getFile(path)) {
    signal.throwIfAborted();
    hasher.update(chunk);
    onBytes?.(chunk.length);
  }
  return hasher.digest('hex');
}
