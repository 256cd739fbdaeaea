import { DavHttpError, NetworkError } from '../errors';
import { type DavContext, retryDroppedConnection, send, sendOnce } from './context';
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

/** What a MKCOL of a new folder found: made by this request, there already, or not known which. */
export type MadeCollection = 'created' | 'exists' | 'unsure';

/**
 * Create the collection at `path` (its parent must exist) and say whether this request made it. Creating
 * a directory is atomic on the servers measured (20 MKCOLs of one new folder at once: exactly one 201 on
 * webdav-server, Apache and nginx), so 'created' means this caller alone made it. A MKCOL whose answer
 * was lost with the connection is sent again, and its "already there" is then 'unsure': it may be the
 * folder the first try made.
 */
export async function makeCollection(ctx: DavContext, path: DavPath): Promise<MadeCollection> {
  const url = davUrl(ctx.baseUrl, path, true);
  let resent = false;
  try {
    await retryDroppedConnection(async () => {
      try {
        return await sendOnce(ctx, 'MKCOL', url, { ok: [200, 201, 204] });
      } catch (err) {
        if (err instanceof NetworkError) resent = true;
        throw err;
      }
    });
    return 'created';
  } catch (err) {
    const there =
      err instanceof DavHttpError && (err.status === 405 || err.status === 301 || (err.status !== 401 && (await isCollection(ctx, path))));
    if (!there) throw err;
    return resent ? 'unsure' : 'exists';
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
