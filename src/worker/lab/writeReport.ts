import { DEVICES_FOLDER, type DeviceReport, MAX_REPORT_BYTES, reportFileName, reportTempName } from '../../shared/deviceReport';
import { NasConflictError, NasRedirectError, ResponseTooLargeError } from '../errors';
import type { DavClient } from '../webdav/client';

/**
 * This device's file into `.exlab-sync/devices/` below the NAS root: the folders made first (MKCOL, a
 * folder there already or made by another device at the same moment is fine), the report PUT to this
 * device's temporary name, then MOVEd onto its own file: a reader sees the old file or the new one,
 * never half of one. No other device's file is touched: both names carry this device's id.
 *
 * `ours`: the texts this device wrote there (or sent a MOVE for: its answer may have been lost), when it
 * knows them; `onMoveSent` is called as the MOVE goes. The MOVE replaces (Overwrite: T), so a file there that is none of them was written by someone
 * else: a second tablet with this device's id (a copied browser profile) or a person. It is not replaced
 * (NasConflictError). With nothing known (the first write since the app started, or on this NAS) the
 * file is taken as this device's own.
 */
export async function writeDeviceReport(
  dav: DavClient,
  report: DeviceReport,
  foldersMade: boolean,
  ours: readonly string[] = [],
  onMoveSent: () => void = () => undefined,
): Promise<void> {
  if (!foldersMade) await dav.createCollections([...DEVICES_FOLDER]);
  const own = [...DEVICES_FOLDER, reportFileName(report.deviceId)];
  // The MOVE replaces whatever is there, a folder with everything in it too: asked first, every time (the
  // check of the text below needs a write known to be this device's).
  // A server answers a folder asked for without its "/" with a redirect to it (Apache): a folder too.
  const there = await dav.statFile(own).catch((err: unknown) => {
    if (err instanceof NasRedirectError) return { collection: true };
    throw err;
  });
  if (there?.collection) {
    throw new NasConflictError(
      `${own.join('/')} on the NAS is a folder, not this device's state file; it was not replaced. Move it elsewhere.`,
    );
  }
  if (ours.length) {
    // One too big to read is not told apart: taken as this device's (its report has no size limit).
    const text = await dav.getText(own, MAX_REPORT_BYTES).catch((err: unknown) => {
      if (err instanceof ResponseTooLargeError) return null;
      throw err;
    });
    if (text !== null && !ours.includes(text)) {
      throw new NasConflictError(
        `${own.join('/')} on the NAS was written by another device since this one last wrote it: two devices share this device's id (a copied browser profile?). It was not replaced; install the app afresh on one of them.`,
      );
    }
  }
  const text = deviceReportText(report);
  const temp = [...DEVICES_FOLDER, reportTempName(report.deviceId)];
  await dav.putFile(temp, new Blob([text], { type: 'application/json' }));
  onMoveSent();
  await dav.replaceDeviceReport(report.deviceId);
}

/** The bytes of the device file for `report`. */
export const deviceReportText = (report: DeviceReport): string => `${JSON.stringify(report, null, 2)}\n`;
