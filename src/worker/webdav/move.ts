import { DavHttpError, DestinationExistsError } from '../errors';
import { type DavContext, readText, send } from './context';
import { type DavPath, davUrl } from './davPath';
import { parseMultistatus } from './xml';

/**
 * MOVE `from` onto `to`, never replacing what is there: `Overwrite: F` always, so a name another run or
 * tablet wrote is refused (412) rather than lost. RFC 4918 §9.9.3: without the header a server may
 * overwrite, and three of five measured do. A 207 answer carries the real outcome inside (nephele
 * answers 207 with the 412 in it).
 */
export async function moveFile(ctx: DavContext, from: DavPath, to: DavPath): Promise<void> {
  const url = davUrl(ctx.baseUrl, from);
  const destination = davUrl(ctx.baseUrl, to);
  let res: Response;
  try {
    res = await send(ctx, 'MOVE', url, { headers: { Destination: destination, Overwrite: 'F' }, ok: [200, 201, 204, 207] });
  } catch (err) {
    if (err instanceof DavHttpError && err.status === 412) throw new DestinationExistsError(url, destination);
    throw err;
  }
  if (res.status !== 207) {
    await res.body?.cancel().catch(() => undefined);
    return;
  }
  const failed = parseMultistatus(await readText(res, 'MOVE', url, ctx.idleTimeoutMs)).find((e) => e.status < 200 || e.status >= 300);
  if (failed?.status === 412) throw new DestinationExistsError(url, destination);
  if (failed) throw new DavHttpError('MOVE', failed.status, url);
}
