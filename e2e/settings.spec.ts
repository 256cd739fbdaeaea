import { expect, test } from './fixtures/test.ts';
import { openApp, showView } from './fixtures/queuePage.ts';

test('Test connection: fine on the same-origin NAS, CORS named when the NAS is another origin', async ({ page, baseURL }) => {
  await openApp(page, '/', { paused: true });
  await showView(page, 'Settings');
  const settings = page.getByRole('form', { name: 'Settings' });
  await settings.getByRole('button', { name: 'Test connection' }).click();
  await expect(settings.getByTestId('diagnosis')).toHaveAttribute('data-code', 'ok');

  // The embedded WebDAV server's own port: another origin, and it sends no CORS headers.
  const davPort = Number(new URL(baseURL!).port) + 1;
  await settings.getByLabel('NAS URL (WebDAV folder)').fill(`http://127.0.0.1:${davPort}/dav/`);
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(settings.getByRole('status').filter({ hasText: 'Settings saved' })).toBeVisible();
  await settings.getByRole('button', { name: 'Test connection' }).click();
  await expect(settings.getByTestId('diagnosis')).toHaveAttribute('data-code', 'cors');
  await expect(settings.getByTestId('diagnosis')).toContainText('Access-Control-Allow-Origin');

  await settings.getByLabel('NAS URL (WebDAV folder)').fill('javascript:alert(1)');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(settings.getByRole('alert').filter({ hasText: 'The NAS URL is not a web address' })).toBeVisible();
  await settings.getByLabel('NAS URL (WebDAV folder)').fill('ftp://nas.lab/runs/');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(settings.getByRole('alert').filter({ hasText: 'which is not supported' })).toContainText('https://nas.lab/runs/');
});
