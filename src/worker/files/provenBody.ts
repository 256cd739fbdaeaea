import { LocalFileMissingError } from '../errors';
import type { UploadBody } from '../webdav/context';
import { type DeviceFile, goesInPack } from './runPack';

// A file's device copy is found by its row: at pack_offset in the run's pack, or in `f<seq>`. A damaged
// row (or a bug) naming another file's place of the same size would send that file's bytes under this name,
// and a "size" verify and a "size" clean-up check would accept them before the device copy goes. So the
// bytes of a small file (at most 4 MiB: every packed file, and a small file of its own from a run taken in
// before packs) are checked against the SHA-256 intake took of the picked file before they are sent: one
// small digest per file. A big file is not read twice for it: its read-back checks it when verify is by
// checksum; a "size" verify trusts the device copy of a big file.

/** Whether `file`'s bytes are checked before they are sent. */
export const checkedBeforeSending = (file: DeviceFile): boolean => goesInPack(file.size);

/** The bytes of a small file, once they are shown to be the picked file's; else the run cannot be synced. */
export async function provenSmallBody(file: DeviceFile & { sha256: string }, body: UploadBody): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = body instanceof Uint8Array ? body : new Uint8Array(await body.arrayBuffer());
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  if (bytes.byteLength !== file.size || hex !== file.sha256.toLowerCase()) {
    throw new LocalFileMissingError(file.rel_path, 'its device copy does not hold the bytes that were picked');
  }
  return bytes;
}
