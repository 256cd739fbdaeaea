import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { expect, test } from 'vitest';
import { createStores } from '../db/stores';
import { loadDeviceIdentity, saveDeviceIdentity } from './deviceIdentity';

test('the device id and name are made once, kept with the settings, and a new name is kept', async () => {
  const sqlite3 = await sqlite3InitModule();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  const stores = createStores(() => db);
  await stores.queue.init();
  const first = await loadDeviceIdentity(stores.settings);
  expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
  expect(first.name).toMatch(/^tablet-[a-z]{4}$/);
  expect(await loadDeviceIdentity(stores.settings)).toEqual(first);
  await saveDeviceIdentity(stores.settings, { id: first.id, name: 'bench tablet' });
  expect(await loadDeviceIdentity(stores.settings)).toEqual({ id: first.id, name: 'bench tablet' });
  // Beside the settings, not among them: the settings a page reads have neither.
  expect(Object.keys(await stores.settings.getSettings()).sort()).toEqual(['deviceId', 'deviceName']);
  await stores.queue.close();
});
