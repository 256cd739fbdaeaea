import { chownSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { E2E_DIST } from '../test/support/paths.ts';
import { startApacheDav } from '../test/support/apacheDav.ts';
import { openApp, showView } from './fixtures/queuePage.ts';
import { expect, test } from './fixtures/test.ts';

// What Settings shows is what the worker keeps, and "Test connection" tries what is typed.

const USER = 'lab';
const PASSWORD = 'Burette-secret-42';

async function savedSettings(page: Page) {
  const res = await page.evaluate(() => (globalThis as any).exlabApi.getSettings());
  expect(res.ok).toBe(true);
  return res.value;
}

test('after Save the fields show the saved values; Test connection tries what is typed without saving it', async ({ page }) => {
  const work = '.tmp/apache-settings-truth';
  const apache = await startApacheDav(E2E_DIST, work, { auth: { username: USER, password: PASSWORD } });
  try {
    // A second folder on the NAS, Apache's own (uid 33) as the one it serves.
    mkdirSync(join(apache.davRoot, 'other'), { recursive: true });
    chownSync(join(apache.davRoot, 'other'), 33, 33);
    await openApp(page, `${apache.origin}/`, { paused: true });
    await showView(page, 'Settings');
    const form = page.getByRole('form', { name: 'Settings' });
    const url = form.getByLabel('NAS URL (WebDAV folder)');
    const user = form.getByLabel('NAS user', { exact: true });
    const password = form.getByLabel('NAS password', { exact: true });

    // Typed, not saved: the test uses these, and nothing is stored.
    await user.fill(USER);
    await password.fill(PASSWORD);
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect(form.getByTestId('diagnosis')).toHaveAttribute('data-code', 'ok');
    expect(await savedSettings(page)).toMatchObject({ username: '', passwordState: 'not-set' });
    await expect(user).toHaveValue(USER);
    await expect(password).toHaveValue(PASSWORD);

    // Saved: the fields keep showing what was saved; the password's field says one is kept.
    const otherUrl = `${apache.origin}/dav/other/`;
    await url.fill(otherUrl);
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(form.getByRole('status').filter({ hasText: 'Settings saved' })).toBeVisible();
    expect(await savedSettings(page)).toMatchObject({ nasUrl: otherUrl, username: USER, passwordState: 'set' });
    await expect(url).toHaveValue(otherUrl);
    await expect(user).toHaveValue(USER);
    await expect(password).toHaveAttribute('placeholder', 'Saved — type to change');
    await expect(form.getByTestId('password-state')).toHaveAttribute('data-state', 'set');

    // Saving another change does not clear the kept password.
    await form.getByLabel('Verify passes').fill('2');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect(form.getByTestId('password-state')).toHaveAttribute('data-state', 'set');
    expect(await savedSettings(page)).toMatchObject({ verifyPasses: 2, username: USER, passwordState: 'set' });
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect(form.getByTestId('diagnosis')).toHaveAttribute('data-code', 'ok');

    // A wrong password typed but not saved: the test says so, and the kept one still works after.
    await password.fill('not-the-password');
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect(form.getByTestId('diagnosis')).toHaveAttribute('data-code', 'auth');
    expect(await savedSettings(page)).toMatchObject({ passwordState: 'set' });

    // After a reload the same values are shown.
    await page.reload();
    await expect(page.getByTestId('ownership')).toHaveAttribute('data-status', 'owner');
    await showView(page, 'Settings');
    await expect(url).toHaveValue(otherUrl);
    await expect(user).toHaveValue(USER);
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect(form.getByTestId('diagnosis')).toHaveAttribute('data-code', 'ok');
  } finally {
    await apache.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
