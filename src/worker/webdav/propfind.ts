import { DavHttpError } from '../errors';
import { type DavContext, readText, send } from './context';
import { type DavPath, davUrl, hrefToSegments, isWithin } from './davPath';
import { parseMultistatus } from './xml';

export interface DavResource {
  /** Segments below the base URL, decoded. */
  path: string[];
  collection: boolean;
  size: number | null;
  etag: string | null;
}

const BODY =
  '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop>' +
  '<d:resourcetype/><d:getcontentlength/><d:getetag/></d:prop></d:propfind>';

/**
 * PROPFIND with Depth 0 or 1 (several servers refuse infinity). Only entries for `path` itself and (Depth
 * 1) its direct children are kept: an answer naming anything else (another folder, the share's root, a
 * `..` trick) is ignored, so a listing can never lead the engine to act outside the folder it asked for.
 */
export async function propfind(ctx: DavContext, path: DavPath, depth: 0 | 1, collection = true): Promise<DavResource[]> {
  const url = davUrl(ctx.baseUrl, path, collection);
  const res = await send(ctx, 'PROPFIND', url, {
    headers: { Depth: String(depth), 'Content-Type': 'application/xml; charset=utf-8' },
    body: BODY,
    ok: [207],
  });
  const resources: DavResource[] = [];
  for (const e of parseMultistatus(await readText(res, 'PROPFIND', url, ctx.idleTimeoutMs))) {
    const segments = hrefToSegments(e.href, ctx.baseUrl);
    if (!segments || !isWithin(segments, path) || segments.length > path.length + depth) continue;
    resources.push({ path: segments, collection: e.collection, size: e.size, etag: e.etag });
  }
  return resources;
}

/** Every file below `path`, walking collections with Depth 1. */
export async function listFilesDeep(ctx: DavContext, path: DavPath): Promise<DavResource[]> {
  const files: DavResource[] = [];
  const pending: DavPath[] = [path];
  while (pending.length) {
    const dir = pending.shift()!;
    for (const child of await propfind(ctx, dir, 1)) {
      if (child.path.length !== dir.length + 1) continue;
      if (child.collection) pending.push(child.path);
      else files.push(child);
    }
  }
  return files;
}

/**
 * One file asked for by name (PROPFIND Depth 0), or null when the NAS has nothing there. Servers that
 * leave some names out of listings (nginx dav-ext hides names starting with ".") still answer this.
 */
export async function statFile(ctx: DavContext, path: DavPath): Promise<DavResource | null> {
  try {
    const [self] = await propfind(ctx, path, 0, false);
    return self ?? null;
  } catch (err) {
    if (err instanceof DavHttpError && err.status === 404) return null;
    throw err;
  }
}
