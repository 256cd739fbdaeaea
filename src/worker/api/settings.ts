// Reading and changing the settings, and trying the NAS with them. The password goes in, never out.
import { invalidInput, ok, type Result } from '../errors';
import { type PageSettings, type Settings, type SettingsPatch, validateSettings } from '../../shared/settings';
import { normaliseNasUrl } from '../../shared/nasUrl';
import { testConnection as diagnose } from '../sync/testConnection';
import type { Diagnosis } from '../contract';
import { type ApiDeps, withQueue } from './deps';

export async function getSettings(deps: ApiDeps): Promise<Result<PageSettings>> {
  return ok(forPage(deps.settings(), deps));
}

/** Settings are kept in the queue's database, so only the tab that owns it may change them. */
export async function updateSettings(deps: ApiDeps, patch: SettingsPatch): Promise<Result<PageSettings>> {
  const current = deps.settings();
  // Only the keys settings have: what the page read back (passwordState) is not a setting.
  const known = Object.fromEntries(Object.entries(patch).filter(([key, value]) => key in current && value !== undefined));
  const next: Settings = { ...current, ...known };
  const problem = validateSettings(next, deps.appOrigin);
  if (problem) return invalidInput(problem);
  // Normalised once, here: stored, shown and compared (a PUT's final URL) in the browser's own form.
  next.nasUrl = normaliseNasUrl(next.nasUrl);
  const saved = await withQueue(deps, async () => {
    await deps.saveSettings(next, 'password' in known);
    return forPage(next, deps);
  });
  // Pausing, or another NAS (another password too), stops the work in flight; the engine also looks
  // for work again.
  if (saved.ok) deps.engine()?.settingsChanged(current, next);
  return saved;
}

export async function testConnection(deps: ApiDeps): Promise<Result<Diagnosis>> {
  return ok(await diagnose(deps.dav(deps.settings()), fetch, deps.blockedByPolicy));
}

function forPage(settings: Settings, deps: ApiDeps): PageSettings {
  const { password: _never, ...rest } = settings;
  return { ...rest, passwordState: deps.passwordState() };
}
