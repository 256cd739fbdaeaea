import { rmSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { E2E_DIST } from '../test/support/paths.ts';
import { startApacheDav } from '../test/support/apacheDav.ts';
import { expectAccessible } from './fixtures/axe.ts';
import { openApp, showView } from './fixtures/queuePage.ts';
import { expect, test } from './fixtures/test.ts';

// The NAS password goes into the worker and never comes back out: not to the page, not into the
// SQLite file in plain text (it is sealed with a key IndexedDB keeps and nobody can read out).

const USER = 'lab';
const PASSWORD = 'Pip€tte-secret-77';

/** Every file in this origin's OPFS (the queue's database and its WAL among them), as bytes. */
async function opfsFiles(page: Page): Promise<Record<string, number[]>> {
  return page.evaluate(async () => {
    const out: Record<string, number[]> = {};
    const walk = async (dir: FileSystemDirectoryHandle, path: string): Promise<void> => {
      for await (const [name, handle] of (dir as any).entries() as AsyncIterable<[string, FileSystemHandle]>) {
        if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, `${path}${name}/`);
        else out[`${path}${name}`] = [...new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer())];
      }
    };
    await walk(await navigator.storage.getDirectory(), '/');
    return out;
  });
}

function holds(bytes: number[], text: string): boolean {
  return Buffer.from(bytes).includes(Buffer.from(text, 'utf8'));
}

async function testConnection(page: Page, code: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Settings' });
  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(form.getByTestId('diagnosis')).toHaveAttribute('data-code', code);
}

test('the password is set, used, never read back by the page, and not in the SQLite file in plain text', async ({ page }) => {
  const apache = await startApacheDav(E2E_DIST, '.tmp/apache-password', { auth: { username: USER, password: PASSWORD } });
  try {
    await openApp(page, `${apache.origin}/`);
    await showView(page, 'Settings');
    const form = page.getByRole('form', { name: 'Settings' });
    await expect(form.getByTestId('password-state')).toHaveAttribute('data-state', 'not-set');
    await form.getByLabel('NAS user', { exact: true }).fill(USER);
    await form.getByLabel('NAS password', { exact: true }).fill(PASSWORD);
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(form.getByRole('status')).toHaveText('Settings saved');
    await expect(form.getByTestId('password-state')).toHaveAttribute('data-state', 'set');
    await expect(form.getByLabel('NAS password', { exact: true })).toHaveValue('');
    await testConnection(page, 'ok');
    await expectAccessible(page, 'Settings with a password set');

    // The page learns only that there is one.
    const read = await page.evaluate(() => (globalThis as any).exlabApi.getSettings());
    expect(read).toMatchObject({ ok: true, value: { username: USER, passwordState: 'set' } });
    expect(read.value).not.toHaveProperty('password');
    expect(JSON.stringify(read)).not.toContain(PASSWORD);

    // After a restart the worker opens the sealed password again: the connection still works.
    await page.reload();
    await openApp(page, `${apache.origin}/#/settings`);
    await expect(form.getByTestId('password-state')).toHaveAttribute('data-state', 'set');
    await expect(form.getByLabel('NAS password', { exact: true })).toHaveValue('');
    await testConnection(page, 'ok');

    // The database's bytes, read with the app closed (its worker holds the files while it runs).
    await page.goto(`${apache.origin}/icons/icon.svg`);
    const files = await opfsFiles(page);
    const database = Object.entries(files).filter(([, bytes]) => holds(bytes, 'SQLite format 3'));
    expect(database.length).toBeGreaterThan(0);
    const basic = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    const leaks = Object.entries(files)
      .filter(([, bytes]) => holds(bytes, PASSWORD) || holds(bytes, basic))
      .map(([name]) => name);
    expect(leaks).toEqual([]);
    // What is there is the user name (not a secret) and the sealed password.
    expect(Object.values(files).some((bytes) => holds(bytes, 'aes-gcm-v1:'))).toBe(true);

    // Clearing it: the connection is refused for want of it.
    await openApp(page, `${apache.origin}/#/settings`);
    await form.getByRole('button', { name: 'Clear password' }).click();
    await expect(form.getByRole('status')).toHaveText('Password cleared');
    await expect(form.getByTestId('password-state')).toHaveAttribute('data-state', 'not-set');
    await testConnection(page, 'auth');
  } finally {
    await apache.stop();
    rmSync('.tmp/apache-password', { recursive: true, force: true });
  }
});
