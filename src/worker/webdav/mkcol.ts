import { DavHttpError } from '../errors';
import { type DavContext, send } from './context';
import { type DavPath, davUrl } from './davPath';

/**
 * Create the collection at `path` and every missing parent, one level at a time (RFC 4918 §9.3: MKCOL
 * never creates parents). "Already there" is done: servers answer 405 (most), 301, or 201 again.
 */
export async function createCollections(ctx: DavContext, path: DavPath): Promise<void> {
  for (let depth = 1; depth <= path.length; depth++) {
    const url = davUrl(ctx.baseUrl, path.slice(0, depth), true);
    try {
      await send(ctx, 'MKCOL', url, { ok: [200, 201, 204] });
    } catch (err) {
      if (err instanceof DavHttpError && (err.status === 405 || err.status === 301)) continue;
      throw err;
    }
  }
}
