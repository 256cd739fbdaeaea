import { DavHttpError, NasRedirectError, NetworkError, ResponseTooLargeError, TimeoutError } from '../errors';
import { TIMED_OUT, withinMs } from '../../shared/withinMs';

/** What a PUT sends: a file on the device (streamed from disk), or a small file's bytes read from its pack. */
export type UploadBody = Blob | Uint8Array<ArrayBuffer>;

export const bodySize = (body: UploadBody): number => (body instanceof Uint8Array ? body.byteLength : body.size);

/**
 * Sends one PUT body and resolves with the status; reports bytes sent as it goes. `followsRedirects`:
 * it cannot stop at a redirect (XHR), so putFile checks the URL with fetch first.
 */
export type UploadFn = ((
  url: string,
  body: UploadBody,
  headers: Record<string, string>,
  onProgress: (bytesSent: number) => void,
  idleTimeoutMs: number,
  signal?: AbortSignal,
) => Promise<number>) & { followsRedirects?: boolean };

/** What every operation needs: where the NAS is, who we are, and how to talk HTTP. */
export interface DavContext {
  baseUrl: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  upload: UploadFn;
  /** A request that sends or receives nothing for this long has stalled. */
  idleTimeoutMs: number;
  /** Aborts every request in flight (the engine stops: another tab takes over, or the app updates). */
  signal?: AbortSignal;
}

export interface SendOptions {
  headers?: Record<string, string>;
  body?: string | UploadBody;
  /** The statuses that mean success for this operation; any other becomes a DavHttpError ('any': none). */
  ok: readonly number[] | 'any';
  /** How long the answer may take to begin, when longer than the idle timeout (a body to send first). */
  timeoutMs?: number;
}

/**
 * One request, with every failure translated here and only here: no answer -> NetworkError, a stall ->
 * TimeoutError, a redirect -> NasRedirectError (never followed: the body and the Authorization header go
 * nowhere but the NAS URL), an unexpected status -> DavHttpError (the response body is dropped).
 */
export async function send(ctx: DavContext, method: string, url: string, options: SendOptions): Promise<Response> {
  return retryDroppedConnection(() => sendOnce(ctx, method, url, options));
}

const RETRY_AFTER_DROP_MS = 250;

/**
 * A connection the NAS (or a proxy, or Wi-Fi) drops before any answer is tried once more at once: every
 * request here is safe to repeat. A second failure is the caller's (offline, or counted as transient).
 */
export async function retryDroppedConnection<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    await new Promise((r) => setTimeout(r, RETRY_AFTER_DROP_MS));
    return request();
  }
}

export async function sendOnce(ctx: DavContext, method: string, url: string, options: SendOptions): Promise<Response> {
  ctx.signal?.throwIfAborted();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), Math.max(ctx.idleTimeoutMs, options.timeoutMs ?? 0));
  let res: Response;
  try {
    res = await ctx.fetch(url, {
      method,
      headers: { ...ctx.headers, ...options.headers },
      body: options.body,
      signal: ctx.signal ? AbortSignal.any([abort.signal, ctx.signal]) : abort.signal,
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'manual',
    });
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    throw abort.signal.aborted ? new TimeoutError(method, url) : new NetworkError(method, url);
  } finally {
    clearTimeout(timer);
  }
  // A browser hides a redirect it was told not to follow (an "opaqueredirect", status 0); Node shows it.
  if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400 && res.status !== 304)) {
    await res.body?.cancel().catch(() => undefined);
    const location = res.headers.get('location');
    throw new NasRedirectError(method, res.status, url, location ? new URL(location, url).href : await redirectTarget(ctx, url));
  }
  if (options.ok !== 'any' && !options.ok.includes(res.status)) {
    await res.body?.cancel().catch(() => undefined);
    throw new DavHttpError(method, res.status, url);
  }
  return res;
}

/**
 * Where a redirect the browser would not show leads: a GET with neither credentials nor body, followed,
 * of which only the final URL is read. Null when the browser does not let the page see it (a target on
 * another origin that sends no CORS headers).
 */
async function redirectTarget(ctx: DavContext, url: string): Promise<string | null> {
  try {
    const res = await ctx.fetch(url, {
      method: 'GET',
      credentials: 'omit',
      cache: 'no-store',
      signal: AbortSignal.timeout(ctx.idleTimeoutMs),
    });
    await res.body?.cancel().catch(() => undefined);
    return res.redirected ? res.url : null;
  } catch {
    return null;
  }
}

/** What a listing or a small file may hold in memory: a Depth-1 PROPFIND of ~30,000 entries fits. */
export const MAX_TEXT_BYTES = 16 * 1024 * 1024;

/**
 * The whole body as text, with the idle timeout still applying while it streams in. More than `maxBytes`
 * is refused with ResponseTooLargeError as soon as it is seen: the reading stops, memory stays bounded.
 */
export async function readText(
  res: Response,
  method: string,
  url: string,
  idleTimeoutMs: number,
  maxBytes = MAX_TEXT_BYTES,
): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new ResponseTooLargeError(method, url, maxBytes);
  }
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for await (const chunk of readChunks(res, method, url, idleTimeoutMs)) {
    bytes += chunk.length;
    if (bytes > maxBytes) throw new ResponseTooLargeError(method, url, maxBytes);
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

/**
 * The body chunk by chunk; a chunk that does not come within the idle timeout is a TimeoutError.
 * Reads into one reused buffer (a BYOB reader) where the browser allows it: a 200 MB read-back then
 * makes no garbage, where one new array per chunk grew the worker by 50-130 MB before GC caught up.
 * A yielded chunk is only valid until the next one is asked for.
 */
export async function* readChunks(res: Response, method: string, url: string, idleTimeoutMs: number): AsyncGenerator<Uint8Array> {
  if (!res.body) return;
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = res.body.getReader({ mode: 'byob' });
  } catch {
    byob = null;
  }
  const reader = byob ?? res.body.getReader();
  let buffer = new ArrayBuffer(BYOB_CHUNK_BYTES);
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array> | typeof TIMED_OUT;
      try {
        const read = byob
          ? byob.read(new Uint8Array(buffer, 0, BYOB_CHUNK_BYTES))
          : (reader as ReadableStreamDefaultReader<Uint8Array>).read();
        step = await withinMs(read, idleTimeoutMs);
      } catch {
        // The connection broke after the server had answered: not "offline", a transient fault.
        throw new TimeoutError(method, url);
      }
      if (step === TIMED_OUT) throw new TimeoutError(method, url);
      if (step.done) return;
      if (byob) buffer = step.value.buffer as ArrayBuffer;
      yield step.value;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

const BYOB_CHUNK_BYTES = 1 << 20;

/** Basic auth header for the NAS account; UTF-8 user names and passwords encoded as RFC 7617 says. */
export function basicAuth(username: string, password: string): Record<string, string> {
  if (!username) return {};
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return { Authorization: `Basic ${btoa(binary)}` };
}
