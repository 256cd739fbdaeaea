import { DavHttpError, NasRedirectError, NetworkError, TimeoutError } from '../errors';
import type { DavClient } from '../webdav/client';
import type { DiagnosisCode } from '../../shared/diagnosis';

export interface Diagnosis {
  ok: boolean;
  /** Stable code, one of the table in shared/diagnosis.ts. */
  code: DiagnosisCode;
  message: string;
}

/** The directive of the app's policy that lately blocked a request to this URL's origin, or null. */
export type BlockedByPolicy = (url: string) => Promise<string | null>;

/**
 * Says precisely what stands between the app and the NAS: reach it, read the base collection, then
 * write, move and delete a probe file in it.
 */
export async function testConnection(dav: DavClient, fetchFn: typeof fetch = fetch, blockedByPolicy?: BlockedByPolicy): Promise<Diagnosis> {
  const probe = [`.exlab-probe-${crypto.randomUUID().slice(0, 8)}`];
  try {
    await dav.propfind([], 0);
  } catch (err) {
    return explain(err, dav.baseUrl, fetchFn, blockedByPolicy);
  }
  try {
    await dav.putFile([`${probe[0]}.part`], new Blob(['exlab-sync connection test\n']));
    await dav.moveFile([`${probe[0]}.part`], probe);
    await dav.deleteResource(probe);
  } catch (err) {
    const d = await explain(err, dav.baseUrl, fetchFn, blockedByPolicy);
    return d.code === 'auth' || d.code === 'error'
      ? {
          ok: false,
          code: 'not-writable',
          message: `The NAS folder can be read but not written (${d.message}). Give this user write access to ${dav.baseUrl}.`,
        }
      : d;
  }
  return { ok: true, code: 'ok', message: `Connected: ${dav.baseUrl} can be read and written.` };
}

async function explain(err: unknown, url: string, fetchFn: typeof fetch, blockedByPolicy?: BlockedByPolicy): Promise<Diagnosis> {
  if (err instanceof NasRedirectError) {
    return { ok: false, code: 'redirect', message: `The NAS URL redirects: ${err.message}. Enter the final URL in Settings.` };
  }
  if (err instanceof DavHttpError) {
    if (err.status === 401 || err.status === 403) {
      return { ok: false, code: 'auth', message: `The NAS refused the user or password (${err.status}). Check them.` };
    }
    if (err.status === 404 || err.status === 409) {
      return {
        ok: false,
        code: 'not-found',
        message: `There is no WebDAV folder at ${url} (${err.status}). Create it on the NAS or correct the URL.`,
      };
    }
    return { ok: false, code: 'error', message: `The NAS answered ${err.status} to ${err.operation}.` };
  }
  if (err instanceof TimeoutError) return { ok: false, code: 'timeout', message: `The NAS at ${url} stopped answering.` };
  if (err instanceof NetworkError) {
    const directive = await blockedByPolicy?.(url);
    if (directive) {
      const origin = new URL(url).origin;
      return {
        ok: false,
        code: 'blocked-by-policy',
        message:
          `The app's Content-Security-Policy (${directive}) does not allow connections to ${origin}. Add ${origin} to ${directive} ` +
          `where the app is served (deploy/nginx/exlab-sync.conf: the NAS origin), or serve the NAS under the app's origin at /dav/.`,
      };
    }
    // A request the page may not read (no-cors) still tells whether the server answers at all: if it
    // does, the browser refused the answer, which is CORS.
    try {
      await fetchFn(url, { mode: 'no-cors', cache: 'no-store' });
      return {
        ok: false,
        code: 'cors',
        message:
          `The NAS answers but the browser refuses its answers (CORS). Serve the app from the NAS's origin, or make the NAS send ` +
          `Access-Control-Allow-Origin: ${self.location?.origin ?? '<app origin>'}, Access-Control-Allow-Methods: GET, PUT, DELETE, MKCOL, MOVE, PROPFIND, OPTIONS, ` +
          `Access-Control-Allow-Headers: Authorization, Content-Type, Depth, Destination, Overwrite, and answer OPTIONS preflights with 200.`,
      };
    } catch {
      const tls = url.startsWith('https:');
      return {
        ok: false,
        code: tls ? 'unreachable-or-tls' : 'unreachable',
        message: tls
          ? `No answer from ${url}: the NAS is unreachable, or its TLS certificate is not trusted by this device.`
          : `No answer from ${url}: the NAS is unreachable from this device (network, address or port).`,
      };
    }
  }
  return { ok: false, code: 'error', message: err instanceof Error ? err.message : String(err) };
}
