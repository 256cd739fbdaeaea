// Reading and changing the settings, and trying the NAS with them.
import { invalidInput, ok, type Result } from '../errors';
import { type Settings, validateSettings } from '../../shared/settings';
import { testConnection as diagnose } from '../sync/testConnection';
import type { Diagnosis } from '../contract';
import { type ApiDeps, withQueue } from './deps';

export async function getSettings(deps: ApiDeps): Promise<Result<Settings>> {
  return ok(deps.settings());
}

/** Settings are kept in the queue's database, so only the tab that owns it may change them. */
export async function updateSettings(deps: ApiDeps, patch: Partial<Settings>): Promise<Result<Settings>> {
  const before = deps.settings();
  const next = { ...before, ...patch };
  const problem = validateSettings(next);
  if (problem) return invalidInput(problem);
  const saved = await withQueue(deps, async () => {
    await deps.saveSettings(next);
    return next;
  });
  // Pausing, or another NAS, stops the work in flight (the engine also looks for work again).
  if (saved.ok) deps.engine()?.settingsChanged(before, saved.value);
  return saved;
}

export async function testConnection(deps: ApiDeps): Promise<Result<Diagnosis>> {
  return ok(await diagnose(deps.dav(deps.settings())));
}
