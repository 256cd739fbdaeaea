import { type DavContext, readText, send } from './context';
import { type DavPath, davUrl, hrefToSegments } from './davPath';
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

/** PROPFIND with Depth 0 or 1 (several servers refuse infinity); the collection itself comes first. */
export async function propfind(ctx: DavContext, path: DavPath, depth: 0 | 1, collection = true): Promise<DavResource[]> {
  const url = davUrl(ctx.baseUrl, path, collection);
  const res = await send(ctx, 'PROPFIND', url, {
    headers: { Depth: String(depth), 'Content-Type': 'application/xml; charset=utf-8' },
    body: BODY,
    ok: [207],
  });
  return parseMultistatus(await readText(res, 'PROPFIND', url, ctx.idleTimeoutMs)).map((e) => ({
    path: hrefToSegments(e.href, ctx.baseUrl),
    collection: e.collection,
    size: e.size,
    etag: e.etag,
  }));
}

/** Every file below `path`, walking collections with Depth 1. */
export async function listFilesDeep(ctx: DavContext, path: DavPath): Promise<DavResource[]> {
  const files: DavResource[] = [];
  const pending: DavPath[] = [path];
  while (pending.length) {
    const dir = pending.shift()!;
    const [, ...children] = await propfind(ctx, dir, 1);
    for (const child of children) {
      if (child.path.length <= dir.length) continue;
      if (child.collection) pending.push(child.path);
      else files.push(child);
    }
  }
  return files;
}
