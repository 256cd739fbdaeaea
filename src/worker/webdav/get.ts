import { type DavContext, readChunks, send } from './context';
import { type DavPath, davUrl } from './davPath';

/** GET a file's bytes as a stream of chunks (read back for checksums, never held whole). */
export async function* getFile(ctx: DavContext, path: DavPath): AsyncGenerator<Uint8Array> {
  const url = davUrl(ctx.baseUrl, path);
  const res = await send(ctx, 'GET', url, { ok: [200] });
  yield* readChunks(res, 'GET', url, ctx.idleTimeoutMs);
}
