// webdav/: the NAS over WebDAV, one file per operation (mkcol, put, move, propfind, get, delete), each
// failure translated at this edge into a typed error. client.ts closes every operation over one context.
import { type DavContext, type UploadBody, type UploadFn, basicAuth } from './context';
import type { DavPath } from './davPath';
import { deleteResource } from './delete';
import { getFile, getText } from './get';
import { createCollections, makeCollection } from './mkcol';
import { moveFile } from './move';
import { listFilesDeep, propfind, statFile } from './propfind';
import { putFile } from './put';
import { replaceDeviceReport } from './replaceOwn';

export interface DavOptions {
  baseUrl: string;
  username?: string;
  password?: string;
  upload: UploadFn;
  fetch?: typeof fetch;
  idleTimeoutMs?: number;
  signal?: AbortSignal;
}

export type DavClient = ReturnType<typeof createDavClient>;

/** The NAS as the engine sees it: each operation closed over one context. */
export function createDavClient(options: DavOptions) {
  const ctx: DavContext = {
    baseUrl: options.baseUrl,
    headers: basicAuth(options.username ?? '', options.password ?? ''),
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    upload: options.upload,
    idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
    signal: options.signal,
  };
  return {
    baseUrl: ctx.baseUrl,
    createCollections: (path: DavPath, existing = 0) => createCollections(ctx, path, existing),
    makeCollection: (path: DavPath) => makeCollection(ctx, path),
    putFile: (path: DavPath, body: UploadBody, onProgress?: (sent: number) => void) => putFile(ctx, path, body, onProgress),
    moveFile: (from: DavPath, to: DavPath) => moveFile(ctx, from, to),
    /** Only onto this device's own file in `.exlab-sync/devices/`: it replaces what is there. */
    replaceDeviceReport: (deviceId: string) => replaceDeviceReport(ctx, deviceId),
    propfind: (path: DavPath, depth: 0 | 1, collection = true) => propfind(ctx, path, depth, collection),
    listFilesDeep: (path: DavPath) => listFilesDeep(ctx, path),
    statFile: (path: DavPath) => statFile(ctx, path),
    getFile: (path: DavPath) => getFile(ctx, path),
    getText: (path: DavPath, maxBytes: number) => getText(ctx, path, maxBytes),
    deleteResource: (path: DavPath, collection = false) => deleteResource(ctx, path, collection),
  };
}
