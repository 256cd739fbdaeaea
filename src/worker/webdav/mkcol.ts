import { DavHttpError } from '../errors';
import { type DavContext, send } from './context';
import { type DavPath, davUrl } from './davPath';
import { propfind } from './propfind';

/**
 * Create the collection at `path` and every missing parent below the first `existing` levels, one level
 * at a time (RFC 4918 §9.3: MKCOL never creates parents). "Already there" is done: servers answer 405
 * (most), 301, or 201 again. Two tablets creating the same folder at once make Apache answer 403 to the
 * loser, so a refused MKCOL is followed by a look: a collection there now is done too.
 */
export async function createCollections(ctx: DavContext, path: DavPath, existing = 0): Promise<void> {
  for (let depth = existing + 1; depth <= path.length; depth++) {
    const level = path.slice(0, depth);
    try {
      await send(ctx, 'MKCOL', davUrl(ctx.baseUrl, level, true), { ok: [200, 201, 204] });
    } catch (err) {
      if (err instanceof DavHttpError && (err.status === 405 || err.status === 301)) continue;
      if (err instanceof DavHttpError && err.status !== 401 && (await isCollection(ctx, level))) continue;
      throw err;
    }
  }
}

/**
 * Create the collection at `path` (its parent must exist) and say whether this request made it: true on
 * 201, false when it was already there. Creating a directory is atomic on the servers measured (20
 * MKCOLs of one new folder at once: exactly one 201 on webdav-server, Apache and nginx), so a folder this
 * returned true for was made by this caller alone.
 */
export async function makeCollection(ctx: DavContext, path: DavPath): Promise<boolean> {
  try {
    await send(ctx, 'MKCOL', davUrl(ctx.baseUrl, path, true), { ok: [200, 201, 204] });
    return true;
  } catch (err) {
    if (err instanceof DavHttpError && (err.status === 405 || err.status === 301)) return false;
    if (err instanceof DavHttpError && err.status !== 401 && (await isCollection(ctx, path))) return false;
    throw err;
  }
}

async function isCollection(ctx: DavContext, path: DavPath): Promise<boolean> {
  try {
    const [self] = await propfind(ctx, path, 0);
    return self?.collection ?? false;
  } catch {
    return false;
  }
}
