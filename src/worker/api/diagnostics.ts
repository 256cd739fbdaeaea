// The support file: what the lab's IT needs to see why a tablet does not sync, read in the worker. Never
// the password: the settings go out as the page sees them (PageSettings), which has none.
import { ok, type Result } from '../errors';
import type { EngineStatus, JobEvent, PageSettings, StateCounts } from '../contract';
import { getSettings } from './settings';
import { type ApiDeps, withQueue } from './deps';

/** How many history lines the file holds: the latest, enough for a day of a busy tablet. */
export const DIAGNOSTIC_HISTORY_LINES = 1000;

/** What the worker knows for the support file; the page adds the app's version. */
export interface WorkerDiagnostics {
  createdAt: string;
  userAgent: string;
  settings: PageSettings;
  /** null in a tab that does not own the queue (its engine does not run). */
  engine: EngineStatus | null;
  counts: StateCounts | null;
  /** The last DIAGNOSTIC_HISTORY_LINES lines of every job's history, oldest first. */
  history: JobEvent[];
  storage: { usageBytes: number | null; quotaBytes: number | null; persisted: boolean | null };
}

export async function diagnostics(deps: ApiDeps): Promise<Result<WorkerDiagnostics>> {
  const settings = await getSettings(deps);
  if (!settings.ok) return settings;
  const read = await withQueue(deps, async (s) => ({
    counts: await s.listing.countByState(),
    history: await s.history.recentEvents(DIAGNOSTIC_HISTORY_LINES),
  }));
  return ok({
    createdAt: new Date(deps.now()).toISOString(),
    userAgent: navigator.userAgent,
    settings: settings.value,
    engine: deps.engine()?.status() ?? null,
    counts: read.ok ? read.value.counts : null,
    history: read.ok ? read.value.history : [],
    storage: await storageFacts(),
  });
}

async function storageFacts(): Promise<WorkerDiagnostics['storage']> {
  const estimate = await navigator.storage?.estimate?.().catch(() => null);
  // persisted() is a page's question in some browsers; where the worker cannot ask, it is unknown.
  const persisted = (await (navigator.storage as { persisted?: () => Promise<boolean> })?.persisted?.().catch(() => null)) ?? null;
  return { usageBytes: estimate?.usage ?? null, quotaBytes: estimate?.quota ?? null, persisted };
}
