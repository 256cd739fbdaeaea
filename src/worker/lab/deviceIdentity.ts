import type { SettingsStore } from '../db/settings';
import { defaultDeviceName } from '../../shared/deviceName';

// This device's identity, kept in the settings table beside the settings: a random id made once (the
// name of its file on the NAS, never shown as its name) and a name a person may change.

export interface DeviceIdentity {
  id: string;
  name: string;
}

const ID_KEY = 'deviceId';
const NAME_KEY = 'deviceName';

/** The stored identity; made and stored the first time (a random id, "tablet-" and four letters). */
export async function loadDeviceIdentity(store: SettingsStore): Promise<DeviceIdentity> {
  const rows = await store.getSettings();
  const id = readString(rows[ID_KEY]);
  const name = readString(rows[NAME_KEY]);
  if (id && name) return { id, name };
  const made = { id: id ?? crypto.randomUUID(), name: name ?? defaultDeviceName(crypto.getRandomValues(new Uint8Array(4))) };
  await saveDeviceIdentity(store, made);
  return made;
}

export async function saveDeviceIdentity(store: SettingsStore, identity: DeviceIdentity): Promise<void> {
  await store.putSettings({ [ID_KEY]: JSON.stringify(identity.id), [NAME_KEY]: JSON.stringify(identity.name) });
}

function readString(json: string | undefined): string | null {
  if (json === undefined) return null;
  try {
    const v: unknown = JSON.parse(json);
    return typeof v === 'string' && v ? v : null;
  } catch {
    return null;
  }
}
