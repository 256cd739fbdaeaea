import { DavHttpError } from '../errors';
import { type DavContext, retryDroppedConnection } from './context';
import { type DavPath, davUrl } from './davPath';

/** PUT a whole file (never a partial PUT: several servers silently replace the file with the range). */
export async function putFile(
  ctx: DavContext,
  path: DavPath,
  body: Blob,
  onProgress: (bytesSent: number) => void = () => undefined,
): Promise<void> {
  const url = davUrl(ctx.baseUrl, path);
  const headers = { ...ctx.headers, 'Content-Type': 'application/octet-stream' };
  const status = await retryDroppedConnection(() => ctx.upload(url, body, headers, onProgress, ctx.idleTimeoutMs, ctx.signal));
  if (status !== 200 && status !== 201 && status !== 204) throw new DavHttpError('PUT', status, url);
}
