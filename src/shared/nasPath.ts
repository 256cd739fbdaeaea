// Turning user text (equipment id, run name, file paths) into NAS path segments that cannot leave the
// run's folder: separators, dot segments, control and invisible characters never survive.

import { LAB_FOLDER } from './nasNames';
import { INVISIBLE } from './runInput';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX_SEGMENT_BYTES = 255;
/**
 * Folder names are kept shorter than file names: Apache's mod_dav_fs keeps a property file beside each
 * collection (a 255-byte folder answered MKCOL with 403), and a taken name gets " (2)" appended.
 */
const MAX_FOLDER_SEGMENT_BYTES = 200;

export class NasPathError extends Error {
  override name = 'NasPathError';
}

/** One safe segment from a name, or a NasPathError saying why the name cannot be used. */
export function safeSegment(name: string, what: string): string {
  const s = cleanSegment(name.replace(/[/\\]/g, '_'), name, what, MAX_FOLDER_SEGMENT_BYTES);
  // The app's own folder (the devices' state files) is never a run's, in any case a share may fold.
  return isLabFolder(s) ? `_${s}` : s;
}

/**
 * The name itself, or as a server that decodes a path once more would read it ("%2eexlab-sync"), compared
 * as a share that folds case would: upper-cased ("ſ" is "S" on a case-insensitive ZFS share) and NFKC
 * (fullwidth letters), not only lower-cased.
 */
function isLabFolder(segment: string): boolean {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // Not valid escapes: no server decodes it into anything else.
  }
  const fold = (s: string) => s.normalize('NFKC').toUpperCase();
  return [segment, decoded].some((s) => fold(s) === fold(LAB_FOLDER));
}

/**
 * One file name of a run as it goes to the NAS. A backslash is refused rather than changed: Apache and
 * nginx store it as a character, webdav-server answers 409/500 and Windows-backed shares take it as a
 * folder separator, so no choice would land the same file everywhere; renaming is the technician's call.
 */
export function safeFileName(name: string): string {
  if (name.includes('\\')) {
    throw new NasPathError(
      `The file name ${JSON.stringify(name)} contains a backslash (\\), which many NAS shares read as a folder separator; rename the file, then add the run again.`,
    );
  }
  return cleanSegment(name, name, 'The file name', MAX_SEGMENT_BYTES);
}

function cleanSegment(segment: string, original: string, what: string, maxBytes: number): string {
  // Invisible characters (controls, zero-width, BOM, bidi marks: Unicode Cc, Cf, Zl, Zp) would make two
  // folders that look the same, or one that reads as something else.
  let s = segment.normalize('NFC').replace(INVISIBLE, '');
  s = s.replace(/[. ]+$/, '').replace(/^ +/, '');
  if (!s || s === '.' || s === '..') throw new NasPathError(`${what} ${JSON.stringify(original)} has no usable characters; rename it.`);
  if (WINDOWS_RESERVED.test(s)) s = `_${s}`;
  // Some servers decode a path twice: to them "%2e%2e" is "..", and "%2f" a separator. Such a name
  // keeps its characters but loses the escapes ("_2e_2e").
  if (dangerousOnceDecoded(s)) s = s.replace(/%/g, '_');
  return shortenUtf8(s, maxBytes);
}

function dangerousOnceDecoded(segment: string): boolean {
  let decoded = segment;
  for (let i = 0; i < 3 && /%[0-9a-f]{2}/i.test(decoded); i++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      break;
    }
    if (decoded === '.' || decoded === '..' || /[/\\\u0000]/.test(decoded)) return true;
  }
  return false;
}

/**
 * The segments of a file's path inside the run, from the relative path the browser gave (picked folder
 * or dropped files; browsers always separate with "/"). Empty and `.` segments are dropped; `..` is
 * refused, never resolved.
 */
export function relPathSegments(relPath: string): string[] {
  const parts = relPath.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw new NasPathError(`The file path ${JSON.stringify(relPath)} points outside its run ("..").`);
  if (!parts.length) throw new NasPathError(`The file path ${JSON.stringify(relPath)} is empty.`);
  return parts.map(safeFileName);
}

export const DEFAULT_PATH_TEMPLATE = '{equipment_id}/{date}/{run_name}';

/**
 * The run's folder below the NAS base, from the template. Only whole `{field}` segments are filled in;
 * each value becomes exactly one segment, whatever it contains.
 */
export function nasPathFromTemplate(template: string, fields: { equipment_id: string; run_name: string; date: string }): string[] {
  const segments = template.split('/').filter(Boolean);
  if (!segments.length) throw new NasPathError('The NAS path template is empty; use for example {equipment_id}/{date}/{run_name}.');
  return segments.map((seg) => {
    const filled = seg.replace(/\{(equipment_id|run_name|date)\}/g, (_, key: keyof typeof fields) => fields[key]);
    if (/[{}]/.test(filled))
      throw new NasPathError(`The NAS path template has an unknown field in "${seg}"; use {equipment_id}, {date} or {run_name}.`);
    return safeSegment(filled, 'The NAS folder name');
  });
}

/** Stored form of a NAS path: segments joined by "/" (segments never contain "/"). */
export const joinNasPath = (segments: readonly string[]) => segments.join('/');
export const splitNasPath = (nasPath: string) => nasPath.split('/').filter(Boolean);

/**
 * A name that fits in `maxBytes` of UTF-8 (most NAS file systems allow 255). A longer one keeps its
 * start and its extension, with "~" and a hash of the whole name between, so two long names that share
 * their first 230 bytes still get two different names and a reader still sees what kind of file it is.
 */
function shortenUtf8(s: string, maxBytes: number): string {
  if (utf8Bytes(s) <= maxBytes) return s;
  const dot = s.lastIndexOf('.');
  const ext = dot > 0 && utf8Bytes(s.slice(dot)) <= MAX_EXTENSION_BYTES ? s.slice(dot) : '';
  const suffix = `~${fnv1a32(s)}${ext}`;
  return truncateUtf8(s.slice(0, s.length - ext.length), maxBytes - utf8Bytes(suffix)) + suffix;
}

/** Whether safeFileName had to shorten the name (the original is then recorded in history and manifest). */
export const wasShortened = (original: string, stored: string): boolean =>
  utf8Bytes(original.normalize('NFC')) > MAX_SEGMENT_BYTES && stored !== original;

const MAX_EXTENSION_BYTES = 16;
const encoder = new TextEncoder();
const utf8Bytes = (s: string) => encoder.encode(s).length;

function truncateUtf8(s: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = utf8Bytes(ch);
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** FNV-1a, 32 bits, as 8 hex digits: a short stable tag of a name (not a security hash). */
function fnv1a32(s: string): string {
  let h = 0x811c9dc5;
  for (const b of encoder.encode(s)) h = Math.imul(h ^ b, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The calendar date on the device's clock (local time), as the `{date}` field: a lab's day, not UTC's. */
export function localDate(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The one plan of a run's NAS folder (stored form), used by intake, the API and the Settings example:
 * the template filled with the equipment id, the run name and the local date, each one safe segment.
 */
export function planRunFolder(template: string, run: { equipmentId: string; runName: string }, nowMs: number): string {
  return joinNasPath(
    nasPathFromTemplate(template, {
      equipment_id: safeSegment(run.equipmentId.trim(), 'The equipment id'),
      run_name: safeSegment(run.runName.trim(), 'The run name'),
      date: localDate(nowMs),
    }),
  );
}

/**
 * The n-th name for a run folder whose planned name is taken: "<name> (2)", ... (n = 1: the name itself).
 * The name is shortened first where " (n)" would make its last segment longer than a NAS allows.
 */
export function numberedFolder(nasPath: string, n: number): string {
  if (n === 1) return nasPath;
  const segments = splitNasPath(nasPath);
  const suffix = ` (${n})`;
  const last = segments.pop() ?? '';
  return joinNasPath([...segments, truncateUtf8(last, MAX_FOLDER_SEGMENT_BYTES - utf8Bytes(suffix)) + suffix]);
}
