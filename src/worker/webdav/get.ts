import { DavHttpError, ResponseTooLargeError } from '../errors';
import { type DavContext, readChunks, send } from './context';
import { type DavPath, davUrl } from './davPath';

/** GET a file's bytes as a stream of chunks (read back for checksums, never held whole). */
export async function* getFile(ctx: DavContext, path: DavPath): AsyncGenerator<Uint8Array> {
  const url = davUrl(ctx.baseUrl, path);
  const res = await send(ctx, 'GET', url, { ok: [200] });
  yield* readChunks(res, 'GET', url, ctx.idleTimeoutMs);
}

/**
 * A small text file (a claim, a manifest) whole, or null when the NAS has nothing under that name. More
 * than `maxBytes` is refused with ResponseTooLargeError: what is held in memory is bounded.
 */
export async function getText(ctx: DavContext, path: DavPath, maxBytes: number): Promise<string | null> {
  const url = davUrl(ctx.baseUrl, path);
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of getFile(ctx, path)) {
      size += chunk.length;
      if (size > maxBytes) throw new ResponseTooLargeError('GET', url, maxBytes);
      parts.push(chunk.slice());
    }
  } catch (err) {
    if (err instanceof DavHttpError && err.status === 404) return null;
    throw err;
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return new TextDecoder().decode(bytes);
}
