import { type DavContext, send } from './context';
import { type DavPath, davUrl } from './davPath';

/** DELETE a resource; one that is already gone (404) counts as deleted. */
export async function deleteResource(ctx: DavContext, path: DavPath, collection = false): Promise<void> {
  const res = await send(ctx, 'DELETE', davUrl(ctx.baseUrl, path, collection), { ok: [200, 204, 404] });
  await res.body?.cancel().catch(() => undefined);
}
