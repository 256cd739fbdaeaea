// The Lab view's rows: every device file read from the NAS, each with what needs attention, ordered so
// that what needs it most comes first. Pure: the reader's clock is passed in.
import type { DeviceReport } from './deviceReport';
import { parseInstant } from './time';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Storage used above this share of the quota is "nearly full". */
export const STORAGE_FULL_RATIO = 0.9;

/** What needs attention, most urgent first: the order of the Lab view. */
export const ATTENTION = ['unsynced-old', 'failures', 'storage-full', 'not-seen', 'unreadable'] as const;
export type Attention = (typeof ATTENTION)[number];

/** One file of `.exlab-sync/devices/` as read: its report, or why it cannot be read. */
export type LabEntry = { file: string; report: DeviceReport; problem: null } | { file: string; report: null; problem: string };

export type LabRow = LabEntry & { attention: Attention[] };

/** What needs attention on this device at `nowMs` (the reader's clock). */
export function attentionOf(entry: LabEntry, nowMs: number): Attention[] {
  const r = entry.report;
  if (!r) return ['unreadable'];
  const out: Attention[] = [];
  if (r.oldestUnsyncedAt && nowMs - parseInstant(r.oldestUnsyncedAt) > DAY_MS) out.push('unsynced-old');
  if (r.failed.total > 0) out.push('failures');
  const { usedBytes, quotaBytes } = r.storage;
  if (usedBytes !== null && quotaBytes && usedBytes / quotaBytes > STORAGE_FULL_RATIO) out.push('storage-full');
  if (nowMs - parseInstant(r.writtenAt) > DAY_MS) out.push('not-seen');
  return out;
}

/** The rows of the Lab view: by their most urgent attention (ATTENTION's order), then the rest; by name within. */
export function labRows(entries: readonly LabEntry[], nowMs: number): LabRow[] {
  const rank = (row: LabRow) => (row.attention.length ? ATTENTION.indexOf(row.attention[0]) : ATTENTION.length);
  const name = (row: LabRow) => row.report?.deviceName ?? row.file;
  return entries
    .map((e) => ({ ...e, attention: attentionOf(e, nowMs) }) as LabRow)
    .sort((a, b) => rank(a) - rank(b) || name(a).localeCompare(name(b)) || a.file.localeCompare(b.file));
}
