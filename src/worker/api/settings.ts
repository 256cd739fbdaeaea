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
  const known = knownKeys(current, patch);
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

/** Only the keys settings have: what the page read back (passwordState) is not a setting. */
function knownKeys(current: Settings, patch: SettingsPatch): Partial<Settings> {
  return Object.fromEntries(Object.entries(patch).filter(([key, value]) => key in current && value !== undefined));
}

/**
 * The NAS tried with what the form holds: a person checks the URL, user and password before saving
 * them. Nothing is stored; an empty typed password keeps the kept one (the form never holds it).
 */
export async function testConnection(deps: ApiDeps, typed: SettingsPatch = {}): Promise<Result<Diagnosis>> {
  const { password, ...rest } = knownKeys(deps.settings(), typed);
  const tried: Settings = { ...deps.settings(), ...rest, ...(password ? { password } : {}) };
  const problem = validateSettings(tried, deps.appOrigin);
  if (problem) return invalidInput(problem);
  tried.nasUrl = normaliseNasUrl(tried.nasUrl);
  return ok(await diagnose(deps.dav(tried), fetch, deps.blockedByPolicy));
}

function forPage(settings: Settings, deps: ApiDeps): PageSettings {
  const { password: _never, ...rest } = settings;
  return { ...rest, passwordState: deps.passwordState() };
}
