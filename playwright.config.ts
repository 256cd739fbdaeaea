import { defineConfig } from '@playwright/test';
import { E2E_DIST, E2E_NAS_LOG, E2E_NAS_ROOT } from './test/support/paths.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/support/chromiumFlags.ts';

const PORT = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: '.tmp/playwright.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    trace: 'off',
  },
  // The e2e build (`vite build --mode e2e`: the app plus its test hooks) served on loopback as `npm start`
  // serves the app, with the embedded WebDAV NAS at /dav/.
  webServer: {
    command: `rm -rf ${E2E_NAS_ROOT} ${E2E_NAS_LOG} && npx tsx scripts/start.ts`,
    env: { EXLAB_DIST: E2E_DIST, PORT: String(PORT), DAV_PORT: String(PORT + 1), EXLAB_DAV_ROOT: E2E_NAS_ROOT, EXLAB_DAV_LOG: E2E_NAS_LOG },
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
