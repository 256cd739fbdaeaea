import { DEVICES_FOLDER, type DeviceReport, reportTempName } from '../../shared/deviceReport';
import type { DavClient } from '../webdav/client';

/**
 * This device's file into `.exlab-sync/devices/` below the NAS root: the folders made first (MKCOL, a
 * folder there already or made by another device at the same moment is fine), the report PUT to this
 * device's temporary name, then MOVEd onto its own file: a reader sees the old file or the new one,
 * never half of one. No other device's file is touched: both names carry this device's id.
 */
export async function writeDeviceReport(dav: DavClient, report: DeviceReport, foldersMade: boolean): Promise<void> {
  if (!foldersMade) await dav.createCollections([...DEVICES_FOLDER]);
  const temp = [...DEVICES_FOLDER, reportTempName(report.deviceId)];
  await dav.putFile(temp, new Blob([`${JSON.stringify(report, null, 2)}\n`], { type: 'application/json' }));
  await dav.replaceDeviceReport(report.deviceId);
}
