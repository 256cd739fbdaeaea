import type { SettingsStore } from './db/settings';
import type { PasswordVault } from './secrets/passwordVault';
import { type PasswordState, type Settings, settingsFromRows } from '../shared/settings';
import { nasUrlProblem, normaliseNasUrl } from '../shared/nasUrl';

// The settings between the worker's memory and the settings table: every value as JSON under its key,
// except the password, which is stored only sealed (secrets/passwordVault.ts) under its own key.

const SEALED_PASSWORD = 'passwordSealed';
/** Where versions before the vault kept the password, in plain text; moved into the vault on load. */
const PLAIN_PASSWORD = 'password';

export interface LoadedSettings {
  settings: Settings;
  passwordState: PasswordState;
}

export async function loadSettings(store: SettingsStore, vault: PasswordVault, defaults: Settings): Promise<LoadedSettings> {
  const { [SEALED_PASSWORD]: sealed, [PLAIN_PASSWORD]: plain, ...rows } = await store.getSettings();
  const settings = settingsFromRows(rows, defaults);
  // Stored before URLs were normalised on save: compared with what the browser reports, it must be in its form.
  if (!nasUrlProblem(settings.nasUrl)) settings.nasUrl = normaliseNasUrl(settings.nasUrl);
  if (sealed !== undefined) {
    const password = await vault.open(JSON.parse(sealed) as string);
    return password === null ? { settings, passwordState: 'unreadable' } : { settings: { ...settings, password }, passwordState: 'set' };
  }
  if (plain !== undefined) {
    const password = JSON.parse(plain) as string;
    await savePassword(store, vault, password);
    return { settings: { ...settings, password }, passwordState: password ? 'set' : 'not-set' };
  }
  return { settings, passwordState: 'not-set' };
}

/** Store `next`; the password only when the change named it (`passwordChanged`), sealed, or removed when ''. */
export async function saveSettings(
  store: SettingsStore,
  vault: PasswordVault,
  next: Settings,
  passwordChanged: boolean,
): Promise<PasswordState | null> {
  const { password, ...rest } = next;
  await store.putSettings(Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, JSON.stringify(v)])));
  if (!passwordChanged) return null;
  await savePassword(store, vault, password);
  return password ? 'set' : 'not-set';
}

async function savePassword(store: SettingsStore, vault: PasswordVault, password: string): Promise<void> {
  if (password) await store.putSettings({ [SEALED_PASSWORD]: JSON.stringify(await vault.seal(password)) });
  await store.deleteSettings(password ? [PLAIN_PASSWORD] : [PLAIN_PASSWORD, SEALED_PASSWORD]);
}
