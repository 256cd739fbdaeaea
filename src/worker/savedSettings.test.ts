import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { expect, test } from 'vitest';
import { createStores } from './db/stores';
import { loadSettings, saveSettings } from './savedSettings';
import { createPasswordVault, newSealingKey } from './secrets/passwordVault';
import { defaultSettings } from '../shared/settings';

const defaults = defaultSettings('http://127.0.0.1:5173');

async function setUp() {
  const sqlite3 = await sqlite3InitModule();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  const stores = createStores(() => db, { clock: () => 0 });
  await stores.queue.init();
  const key = await newSealingKey();
  return { db, store: stores.settings, vault: createPasswordVault(async () => key) };
}

const rowsText = async (store: Awaited<ReturnType<typeof setUp>>['store']) => JSON.stringify(await store.getSettings());

test('the password is stored sealed, read back into the worker, and removed when cleared', async () => {
  const { store, vault } = await setUp();
  const state = await saveSettings(store, vault, { ...defaults, username: 'lab', password: 'pip€tte-42' }, true);
  expect(state).toBe('set');
  expect(await rowsText(store)).not.toContain('pip€tte');
  expect(await loadSettings(store, vault, defaults)).toMatchObject({
    settings: { username: 'lab', password: 'pip€tte-42' },
    passwordState: 'set',
  });
  // A change that does not name the password keeps it.
  expect(await saveSettings(store, vault, { ...defaults, username: 'lab2', password: 'pip€tte-42' }, false)).toBeNull();
  expect(await loadSettings(store, vault, defaults)).toMatchObject({ settings: { username: 'lab2', password: 'pip€tte-42' } });
  expect(await saveSettings(store, vault, { ...defaults, password: '' }, true)).toBe('not-set');
  expect(Object.keys(await store.getSettings())).not.toContain('passwordSealed');
  expect(await loadSettings(store, vault, defaults)).toMatchObject({ settings: { password: '' }, passwordState: 'not-set' });
});

test('a password an older version kept in plain text is sealed on load and its plain row is gone', async () => {
  const { store, vault } = await setUp();
  await store.putSettings({ password: JSON.stringify('old-plain-secret'), nasUrl: JSON.stringify('http://NAS.lab.local:80/dav/a b/') });
  const loaded = await loadSettings(store, vault, defaults);
  expect(loaded).toMatchObject({
    settings: { password: 'old-plain-secret', nasUrl: 'http://nas.lab.local/dav/a%20b/' },
    passwordState: 'set',
  });
  expect(await rowsText(store)).not.toContain('old-plain-secret');
  expect(await loadSettings(store, vault, defaults)).toMatchObject({ settings: { password: 'old-plain-secret' }, passwordState: 'set' });
});

test('a sealed password this browser can no longer open is reported, not taken for none', async () => {
  const { store, vault } = await setUp();
  await saveSettings(store, vault, { ...defaults, password: 'x' }, true);
  const lostKey = createPasswordVault(newSealingKey);
  expect(await loadSettings(store, lostKey, defaults)).toMatchObject({ settings: { password: '' }, passwordState: 'unreadable' });
});
