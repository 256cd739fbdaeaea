import { DavHttpError } from '../errors';
import { type DavContext, readText, send } from './context';
import { type DavPath, davUrl } from './davPath';
import { parseMultistatus } from './xml';

/**
 * MOVE `from` onto `to`, replacing what is there (`Overwrite: T`). Only for a name this device alone
 * writes: its own file in `.exlab-sync/devices/`, named by its random id. Everything else goes by
 * move.ts, which never replaces. A 207 answer carries the real outcome inside.
 */
export async function replaceOwnFile(ctx: DavContext, from: DavPath, to: DavPath): Promise<void> {
  const url = davUrl(ctx.baseUrl, from);
  const res = await send(ctx, 'MOVE', url, { headers: { Destination: davUrl(ctx.baseUrl, to), Overwrite: 'T' }, ok: [200, 201, 204, 207] });
  if (res.status !== 207) {
    await res.body?.cancel().catch(() => undefined);
    return;
  }
  const failed = parseMultistatus(await readText(res, 'MOVE', url, ctx.idleTimeoutMs)).find((e) => e.status < 200 || e.status >= 300);
  if (failed) throw new DavHttpError('MOVE', failed.status, url);
}
