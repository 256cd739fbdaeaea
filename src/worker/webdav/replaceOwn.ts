import { DavHttpError } from '../errors';
import { type DavContext, readText, send } from './context';
import { type DavPath, davUrl } from './davPath';
import { parseMultistatus } from './xml';
import { DEVICES_FOLDER } from '../../shared/deviceReport';

/**
 * MOVE `from` onto `to`, replacing what is there (`Overwrite: T`). Only for a name this device alone
 * writes: its own file in `.exlab-sync/devices/`, named by its random id. Everything else goes by
 * move.ts, which never replaces. A 207 answer carries the real outcome inside.
 */
export async function replaceOwnFile(ctx: DavContext, from: DavPath, to: DavPath): Promise<void> {
  // The one MOVE that replaces: refused, before any request, for any name but a device's own state file,
  // so no caller can ever replace a run's file or another folder's.
  if (!isDeviceFile(to))
    throw new RangeError(`refused to replace ${to.join('/')}: only a device's own file in ${DEVICES_FOLDER.join('/')}/ is replaced`);
  const url = davUrl(ctx.baseUrl, from);
  const res = await send(ctx, 'MOVE', url, { headers: { Destination: davUrl(ctx.baseUrl, to), Overwrite: 'T' }, ok: [200, 201, 204, 207] });
  if (res.status !== 207) {
    await res.body?.cancel().catch(() => undefined);
    return;
  }
  const failed = parseMultistatus(await readText(res, 'MOVE', url, ctx.idleTimeoutMs)).find((e) => e.status < 200 || e.status >= 300);
  if (failed) throw new DavHttpError('MOVE', failed.status, url);
}

function isDeviceFile(to: DavPath): boolean {
  return (
    to.length === DEVICES_FOLDER.length + 1 &&
    DEVICES_FOLDER.every((segment, i) => to[i] === segment) &&
    /^[^/]+\.json$/.test(to[to.length - 1])
  );
}
