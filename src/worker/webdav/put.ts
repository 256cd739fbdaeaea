import { DavHttpError } from '../errors';
import { type DavContext, type UploadBody, bodySize, retryDroppedConnection, send } from './context';
import { type DavPath, davUrl } from './davPath';

/**
 * Bodies up to this size go by fetch, which stops at a redirect before sending anything again; their
 * progress comes at the end, which for a megabyte is at once. Larger ones go by ctx.upload (XHR in the
 * browser: the only way to see upload progress over HTTP/1.1).
 */
const FETCH_PUT_MAX_BYTES = 1024 * 1024;
/** The slowest link a fetch PUT is given time for (64 kbit/s), as it reports no progress to time by. */
const SLOWEST_BYTES_PER_MS = 8;

/** PUT a whole file (never a partial PUT: several servers silently replace the file with the range). */
export async function putFile(
  ctx: DavContext,
  path: DavPath,
  body: UploadBody,
  onProgress: (bytesSent: number) => void = () => undefined,
): Promise<void> {
  const url = davUrl(ctx.baseUrl, path);
  const contentType = { 'Content-Type': 'application/octet-stream' };
  const size = bodySize(body);
  if (size <= FETCH_PUT_MAX_BYTES) {
    const timeoutMs = ctx.idleTimeoutMs + size / SLOWEST_BYTES_PER_MS;
    await send(ctx, 'PUT', url, { headers: contentType, body, ok: [200, 201, 204], timeoutMs });
    onProgress(size);
    return;
  }
  // XHR follows a 307/308 by itself, sending the body again, and the Authorization header too when the
  // target is on the same origin. It cannot be told not to, so the URL is asked first by fetch, which
  // stops at a redirect (NasRedirectError). A NAS that redirects PUT alone still gets past this: the
  // upload then reports where its data went (xhrUpload), after the fact.
  if (ctx.upload.followsRedirects) await (await send(ctx, 'HEAD', url, { ok: 'any' })).body?.cancel();
  const headers = { ...ctx.headers, ...contentType };
  const status = await retryDroppedConnection(() => ctx.upload(url, body, headers, onProgress, ctx.idleTimeoutMs, ctx.signal));
  if (status !== 200 && status !== 201 && status !== 204) throw new DavHttpError('PUT', status, url);
}
