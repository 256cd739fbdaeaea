import { DavHttpError } from '../errors';
import { type DavContext, readText, send } from './context';
import { davUrl } from './davPath';
import { parseMultistatus } from './xml';
import { DEVICES_FOLDER, reportFileName, reportTempName } from '../../shared/deviceReport';

/**
 * A device id (the app makes them with crypto.randomUUID): one plain name, so the file it names is in the
 * devices folder and nowhere else: no "/", no "..", no leading dot.
 */
const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * MOVE this device's state file from its temporary onto `.exlab-sync/devices/<device id>.json`, replacing
 * the one there (`Overwrite: T`): the only MOVE of the app that replaces. The client builds both names from
 * the device id, so no caller can aim it at a run's file or another folder (runs never go into
 * `.exlab-sync`: nasPath.ts); its caller (lab/writeReport.ts) first looks that the file there is one this
 * device wrote, so a tablet sharing the id is not written over; every other MOVE goes by move.ts, which
 * never replaces. A 207 answer carries the real outcome inside.
 */
export async function replaceDeviceReport(ctx: DavContext, deviceId: string): Promise<void> {
  if (!DEVICE_ID.test(deviceId)) {
    throw new RangeError(`refused to replace ${JSON.stringify(deviceId)}: only a device's own file, named by its id, is replaced`);
  }
  const url = davUrl(ctx.baseUrl, [...DEVICES_FOLDER, reportTempName(deviceId)]);
  const to = davUrl(ctx.baseUrl, [...DEVICES_FOLDER, reportFileName(deviceId)]);
  const res = await send(ctx, 'MOVE', url, { headers: { Destination: to, Overwrite: 'T' }, ok: [200, 201, 204, 207] });
  if (res.status !== 207) {
    await res.body?.cancel().catch(() => undefined);
    return;
  }
  const failed = parseMultistatus(await readText(res, 'MOVE', url, ctx.idleTimeoutMs)).find((e) => e.status < 200 || e.status >= 300);
  if (failed) throw new DavHttpError('MOVE', failed.status, url);
}
