import { NetworkError, TimeoutError } from '../errors';
import type { UploadFn } from './context';
import { linkAbort } from './linkAbort';

/**
 * PUT through XMLHttpRequest: it streams a Blob from OPFS without reading it into memory and reports
 * upload progress (fetch has no upload progress; a streamed fetch body fails on HTTP/1.1).
 */
export const xhrUpload: UploadFn = (url, body, headers, onProgress, idleTimeoutMs, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.onloadend = () => signal?.removeEventListener('abort', onAbort);
    let timer: ReturnType<typeof setTimeout>;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => xhr.abort(), idleTimeoutMs);
    };
    let stalled = false;
    xhr.open('PUT', url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      arm();
      onProgress(e.loaded);
    };
    xhr.onprogress = arm;
    xhr.onload = () => {
      clearTimeout(timer);
      // XHR follows redirects by itself; a PUT that was redirected is reported as the redirect it was,
      // so the job fails with "enter the final URL" instead of trusting wherever the data went.
      resolve(xhr.responseURL && xhr.responseURL !== url ? 301 : xhr.status);
    };
    xhr.onabort = () => {
      stalled = true;
      clearTimeout(timer);
      reject(signal?.aborted ? signal.reason : new TimeoutError('PUT', url));
    };
    xhr.onerror = () => {
      clearTimeout(timer);
      // Headers already in: the server answered, then the connection broke (transient). Else no answer.
      reject(stalled || xhr.readyState >= XMLHttpRequest.HEADERS_RECEIVED ? new TimeoutError('PUT', url) : new NetworkError('PUT', url));
    };
    arm();
    xhr.send(body);
  });

/** PUT through fetch, where XHR does not exist (Node); no progress until the end. */
export const fetchUpload: UploadFn = async (url, body, headers, onProgress, idleTimeoutMs, signal) => {
  signal?.throwIfAborted();
  const abort = new AbortController();
  const unlink = linkAbort(signal, abort);
  const timer = setTimeout(() => abort.abort(), Math.max(idleTimeoutMs, body.size / 1000));
  try {
    const res = await fetch(url, { method: 'PUT', body, headers, signal: abort.signal, redirect: 'manual' });
    await res.body?.cancel().catch(() => undefined);
    onProgress(body.size);
    return res.status;
  } catch (err) {
    if (signal?.aborted) throw err;
    throw abort.signal.aborted ? new TimeoutError('PUT', url) : new NetworkError('PUT', url);
  } finally {
    clearTimeout(timer);
    unlink();
  }
};
