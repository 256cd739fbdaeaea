// The file each device keeps on the NAS at `.exlab-sync/devices/<device id>.json`: what it holds, made
// from the worker's facts (buildDeviceReport), and read back by any device's Lab view (parseDeviceReport),
// which trusts nothing in it: a file another version or a person wrote is checked field by field.
import { ALL_STATES, type SyncJobState } from './state';
import { parseInstant } from './time';
import { plainReason } from './plainReason';
import { LAB_FOLDER } from './nasNames';

/** Where devices publish, below the NAS root; never a run folder (nasPath.ts keeps LAB_FOLDER out). */
export const DEVICES_FOLDER = [LAB_FOLDER, 'devices'] as const;
export const REPORT_FORMAT = 'exlab-sync-device/1';
/** Failed runs listed in the file; the total is always given. */
export const MAX_FAILED_LISTED = 50;
/** What a reader takes in (50 failures with long errors fit many times over). */
export const MAX_REPORT_BYTES = 256 * 1024;

/** The device file's name for this device id. */
export const reportFileName = (deviceId: string): string => `${deviceId}.json`;
/** The temporary it is PUT to before its MOVE: not `*.json`, so a reader never takes it for a device. */
export const reportTempName = (deviceId: string): string => `.${deviceId}.json.part`;

export interface FailedRun {
  runName: string;
  equipmentId: string;
  /** What happened and what to do, in words. */
  reason: string;
  /** The stored error (code and detail), for the lab's IT. */
  error: string;
  at: string | null;
}

export interface DeviceReport {
  format: typeof REPORT_FORMAT;
  deviceId: string;
  deviceName: string;
  appVersion: string;
  /** When this device wrote the file (its clock): how long ago it was last seen. */
  writtenAt: string;
  /** The last time a run of this device was verified on the NAS, or null. */
  lastSyncAt: string | null;
  /** Runs and bytes in each state. */
  states: Record<SyncJobState, { runs: number; bytes: number }>;
  /** When the oldest run not yet verified was queued, and its age in seconds when the file was written. */
  oldestUnsyncedAt: string | null;
  oldestUnsyncedAgeSeconds: number | null;
  failed: { total: number; runs: FailedRun[] };
  storage: { usedBytes: number | null; quotaBytes: number | null; persistent: boolean | null };
  lastError: { message: string; at: string | null } | null;
}

/** What the worker knows, as its stores and the browser give it. */
export interface DeviceFacts {
  deviceId: string;
  deviceName: string;
  appVersion: string;
  lastSyncAt: string | null;
  states: Record<SyncJobState, { runs: number; bytes: number }>;
  oldestUnsyncedAt: string | null;
  failedTotal: number;
  failedRuns: { runName: string; equipmentId: string; lastError: string | null; at: string | null }[];
  storage: DeviceReport['storage'];
  lastError: DeviceReport['lastError'];
}

export function buildDeviceReport(facts: DeviceFacts, nowMs: number): DeviceReport {
  return {
    format: REPORT_FORMAT,
    deviceId: facts.deviceId,
    deviceName: facts.deviceName,
    appVersion: facts.appVersion,
    writtenAt: new Date(nowMs).toISOString(),
    lastSyncAt: facts.lastSyncAt,
    states: facts.states,
    oldestUnsyncedAt: facts.oldestUnsyncedAt,
    oldestUnsyncedAgeSeconds: facts.oldestUnsyncedAt
      ? Math.max(0, Math.floor((nowMs - parseInstant(facts.oldestUnsyncedAt)) / 1000))
      : null,
    failed: {
      total: facts.failedTotal,
      runs: facts.failedRuns.slice(0, MAX_FAILED_LISTED).map((r) => ({
        runName: r.runName,
        equipmentId: r.equipmentId,
        reason: plainReason(r.lastError)?.text ?? 'No reason was recorded.',
        error: r.lastError ?? '',
        at: r.at,
      })),
    },
    storage: facts.storage,
    lastError: facts.lastError,
  };
}

/**
 * The report without what only time changes (when it was written, the oldest run's age): two equal ones
 * need not be written again until the refresh is due.
 */
export const reportContent = (r: DeviceReport): string => JSON.stringify({ ...r, writtenAt: null, oldestUnsyncedAgeSeconds: null });

/** A device file as read from the NAS, or the reason it cannot be read (in words). */
export function parseDeviceReport(text: string): DeviceReport | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'it is not valid JSON';
  }
  const r = v as Record<string, unknown>;
  if (!isObject(r) || r.format !== REPORT_FORMAT) return `it is not an exlab-sync device file (format ${REPORT_FORMAT})`;
  for (const key of ['deviceId', 'deviceName', 'appVersion', 'writtenAt'] as const) {
    if (typeof r[key] !== 'string') return `its "${key}" is missing`;
  }
  if (!isInstant(r.writtenAt)) return 'its "writtenAt" is not a time';
  if (!isNullOr(r.lastSyncAt, isInstant) || !isNullOr(r.oldestUnsyncedAt, isInstant)) return 'a time in it cannot be read';
  if (!isNullOr(r.oldestUnsyncedAgeSeconds, isCount)) return 'its "oldestUnsyncedAgeSeconds" is not a number';
  if (!isObject(r.states) || !ALL_STATES.every((s) => isStateTotals((r.states as Record<string, unknown>)[s]))) {
    return 'its counts per state cannot be read';
  }
  if (!isFailed(r.failed)) return 'its list of failed runs cannot be read';
  const st = r.storage as Record<string, unknown>;
  if (!isObject(st) || !isNullOr(st.usedBytes, isCount) || !isNullOr(st.quotaBytes, isCount) || !isNullOr(st.persistent, isBool)) {
    return 'its storage figures cannot be read';
  }
  const le = r.lastError as Record<string, unknown> | null;
  if (le !== null && !(isObject(le) && typeof le.message === 'string' && isNullOr(le.at, isString))) return 'its last error cannot be read';
  return r as unknown as DeviceReport;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isNullOr = <T>(v: unknown, check: (x: unknown) => x is T) => v === null || check(v);
const isStateTotals = (v: unknown) => isObject(v) && isCount(v.runs) && isCount(v.bytes);

function isInstant(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    parseInstant(v);
    return true;
  } catch {
    return false;
  }
}

function isFailed(v: unknown): boolean {
  if (!isObject(v) || !isCount(v.total) || !Array.isArray(v.runs)) return false;
  return v.runs.every(
    (f) =>
      isObject(f) && isString(f.runName) && isString(f.equipmentId) && isString(f.reason) && isString(f.error) && isNullOr(f.at, isString),
  );
}
