import { DEFAULT_PATH_TEMPLATE, nasPathFromTemplate } from './nasPath';
import { nasUrlProblem } from './nasUrl';
import type { FieldProblem } from './refusals';

/**
 * Everything the worker can be told; kept in the `settings` table as JSON, one row per key, except the
 * password, which is kept sealed (worker/secrets) and never leaves the worker: see PageSettings.
 */
export interface Settings {
  /** The WebDAV collection runs go below, in normaliseNasUrl's form; same origin (`/dav/`) by default. */
  nasUrl: string;
  username: string;
  /** The NAS password, in the worker's memory only; '' when there is none. */
  password: string;
  pathTemplate: string;
  verifyMode: 'checksum' | 'size';
  verifyPasses: number;
  /**
   * The last look at the NAS before a run's device copy is freed: 'size' (the claim and every file with
   * its size) or 'checksum' (also every file read back and its SHA-256 compared).
   */
  cleanupCheck: 'size' | 'checksum';
  /** Hours a VERIFIED run stays on the device before its space is freed (0: at once). */
  retentionHours: number;
  /** Days a CLEANED job stays in the history. */
  historyDays: number;
  concurrency: number;
  /** Sync only from startHour to endHour (local time, end excluded); null: any time. */
  syncWindow: { startHour: number; endHour: number } | null;
  pauseOnMetered: boolean;
  paused: boolean;
  /** Keep the tablet's screen on while a run uploads (Wake Lock, asked by the page). */
  keepScreenOn: boolean;
}

/** Whether a password is kept: 'unreadable' when one is stored but this browser's key no longer opens it. */
export type PasswordState = 'set' | 'not-set' | 'unreadable';

/** The settings as the page sees them: the password is never read back, only whether there is one. */
export type PageSettings = Omit<Settings, 'password'> & { passwordState: PasswordState };

/**
 * A change the page asks for; `password` replaces the password, '' clears it, absent keeps it. The NAS
 * URL is stored as normaliseNasUrl makes it.
 */
export type SettingsPatch = Partial<Settings>;

export function defaultSettings(origin: string): Settings {
  return {
    nasUrl: `${origin}/dav/`,
    username: '',
    password: '',
    pathTemplate: DEFAULT_PATH_TEMPLATE,
    verifyMode: 'checksum',
    verifyPasses: 1,
    cleanupCheck: 'size',
    retentionHours: 24,
    historyDays: 30,
    concurrency: 2,
    syncWindow: null,
    pauseOnMetered: false,
    paused: false,
    keepScreenOn: true,
  };
}

export function settingsFromRows(rows: Record<string, string>, defaults: Settings): Settings {
  const out = { ...defaults } as Record<string, unknown>;
  for (const key of Object.keys(defaults)) {
    if (key in rows) {
      try {
        out[key] = JSON.parse(rows[key]);
      } catch {
        // A row this version cannot read keeps the default rather than breaking the engine.
      }
    }
  }
  return out as unknown as Settings;
}

/**
 * Why a settings change cannot be taken: the field at fault and what to do; null when it can. `appOrigin`
 * (the origin the app is served from) refuses an http:// NAS the browser would block as mixed content.
 */
export function validateSettings(s: Settings, appOrigin?: string): FieldProblem<Settings> | null {
  const urlProblem = nasUrlProblem(s.nasUrl, appOrigin);
  if (urlProblem) return { field: 'nasUrl', message: urlProblem };
  try {
    nasPathFromTemplate(s.pathTemplate, { equipment_id: 'eq', run_name: 'run', date: '2025-01-01' });
  } catch (err) {
    return { field: 'pathTemplate', message: (err as Error).message };
  }
  if (s.verifyMode !== 'checksum' && s.verifyMode !== 'size')
    return { field: 'verifyMode', message: 'Verify mode is "checksum" or "size".' };
  if (!Number.isInteger(s.verifyPasses) || s.verifyPasses < 1 || s.verifyPasses > 10) {
    return { field: 'verifyPasses', message: 'Verify passes: a whole number from 1 to 10.' };
  }
  if (s.cleanupCheck !== 'checksum' && s.cleanupCheck !== 'size') {
    return { field: 'cleanupCheck', message: 'The check before freeing a run\'s device copy is "checksum" or "size".' };
  }
  if (!(s.retentionHours >= 0 && s.retentionHours <= 24 * 365))
    return { field: 'retentionHours', message: 'Retention: from 0 to 8760 hours.' };
  if (!(s.historyDays >= 0 && s.historyDays <= 3650)) return { field: 'historyDays', message: 'History: from 0 to 3650 days.' };
  if (!Number.isInteger(s.concurrency) || s.concurrency < 1 || s.concurrency > 8)
    return { field: 'concurrency', message: 'Concurrent uploads: 1 to 8.' };
  if (s.syncWindow) {
    const { startHour, endHour } = s.syncWindow;
    if (![startHour, endHour].every((h) => Number.isInteger(h) && h >= 0 && h <= 24))
      return { field: 'syncWindow', message: 'Sync window hours: 0 to 24.' };
  }
  return null;
}

/** Whether the clock is inside the sync window (a window may wrap past midnight). */
export function inSyncWindow(s: Settings, localHour: number): boolean {
  if (!s.syncWindow || s.syncWindow.startHour === s.syncWindow.endHour) return true;
  const { startHour, endHour } = s.syncWindow;
  return startHour < endHour ? localHour >= startHour && localHour < endHour : localHour >= startHour || localHour < endHour;
}
