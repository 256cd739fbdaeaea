import { DavHttpError, ResponseTooLargeError } from '../errors';
import { DEVICES_FOLDER, MAX_REPORT_BYTES, parseDeviceReport } from '../../shared/deviceReport';
import { formatBytes } from '../../shared/formatBytes';
import type { LabEntry } from '../../shared/labOrder';
import type { DavClient } from '../webdav/client';

/** Device files read at once: a lab of 50 tablets is read in a few round trips. */
const READ_LANES = 4;

/**
 * Every `*.json` in `.exlab-sync/devices/` (PROPFIND Depth 1, then a GET of each, at most
 * MAX_REPORT_BYTES): its report, or why it cannot be read. No folder yet means no device has written.
 * A NAS that does not answer throws: the Lab view then shows its last copy.
 */
export async function readDevicesFolder(dav: DavClient): Promise<LabEntry[]> {
  let listing;
  try {
    listing = await dav.propfind([...DEVICES_FOLDER], 1);
  } catch (err) {
    if (err instanceof DavHttpError && err.status === 404) return [];
    throw err;
  }
  const names = listing
    .filter((r) => !r.collection && r.path.length === DEVICES_FOLDER.length + 1)
    .map((r) => r.path[r.path.length - 1])
    .filter((name) => name.endsWith('.json') && !name.startsWith('.'));
  const entries: LabEntry[] = [];
  for (let i = 0; i < names.length; i += READ_LANES) {
    const read = await Promise.all(names.slice(i, i + READ_LANES).map((name) => readOne(dav, name)));
    for (const entry of read) if (entry) entries.push(entry);
  }
  return entries;
}

/** One device file; null when it went between the listing and the GET. */
async function readOne(dav: DavClient, file: string): Promise<LabEntry | null> {
  let text: string | null;
  try {
    text = await dav.getText([...DEVICES_FOLDER, file], MAX_REPORT_BYTES);
  } catch (err) {
    if (err instanceof ResponseTooLargeError) return { file, report: null, problem: `it is larger than ${formatBytes(MAX_REPORT_BYTES)}` };
    if (err instanceof DavHttpError) return { file, report: null, problem: `the NAS answered ${err.status} when it was read` };
    throw err;
  }
  if (text === null) return null;
  const parsed = parseDeviceReport(text);
  return typeof parsed === 'string' ? { file, report: null, problem: parsed } : { file, report: parsed, problem: null };
}
