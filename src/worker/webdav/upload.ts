import { NasRedirectError, NetworkError, TimeoutError } from '../errors';
import { sameUrl } from '../../shared/nasUrl';
import { type UploadFn, bodySize } from './context';
import { linkAbort } from './linkAbort';

/**
 * PUT through XMLHttpRequest: it streams a Blob from OPFS without reading it into memory and reports
 * upload progress (fetch has no upload progress; a streamed fetch body fails on HTTP/1.1). It follows
 * redirects by itself, which no option turns off: putFile asks the URL with fetch before.
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
      // A PUT that was redirected all the same is reported as the redirect it was, naming where the data
      // went, so the job fails with "enter the final URL" instead of trusting it. Both URLs compared in
      // the browser's form: the NAS URL as typed ("NAS.lab", ":443", a space) is not the one reported.
      if (xhr.responseURL && !sameUrl(xhr.responseURL, url)) reject(new NasRedirectError('PUT', xhr.status, url, xhr.responseURL));
      else resolve(xhr.status);
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
xhrUpload.followsRedirects = true;

/** PUT through fetch, where XHR does not exist (Node); no progress until the end. */
export const fetchUpload: UploadFn = async (url, body, headers, onProgress, idleTimeoutMs, signal) => {
  signal?.throwIfAborted();
  const abort = new AbortController();
  const unlink = linkAbort(signal, abort);
  const timer = setTimeout(() => abort.abort(), Math.max(idleTimeoutMs, bodySize(body) / 1000));
  try {
    const res = await fetch(url, { method: 'PUT', body, headers, signal: abort.signal, redirect: 'manual' });
    await res.body?.cancel().catch(() => undefined);
    if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
      const location = res.headers.get('location');
      throw new NasRedirectError('PUT', res.status, url, location ? new URL(location, url).href : null);
    }
    onProgress(bodySize(body));
    return res.status;
  } catch (err) {
    if (err instanceof NasRedirectError) throw err;
    if (signal?.aborted) throw err;
    throw abort.signal.aborted ? new TimeoutError('PUT', url) : new NetworkError('PUT', url);
  } finally {
    clearTimeout(timer);
    unlink();
  }
};
