import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import solid from 'vite-plugin-solid';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

// `vite build` is the app as shipped, into dist/. `vite build --mode e2e` adds the test hooks
// (src/worker/testHooks.ts) and goes to dist-e2e/, so the two never mix: the e2e tests and the benchmark use it.
export default defineConfig(({ mode }) => ({
  // Shown in the page's footer; EXLAB_BUILD tells builds of one version apart (the update test uses it).
  define: { __APP_VERSION__: JSON.stringify(process.env.EXLAB_BUILD ? `${version}+${process.env.EXLAB_BUILD}` : version) },
  plugins: [
    solid(),
    VitePWA({
      strategies: 'generateSW',
      // A new version waits for the user's word (and for the engine to be idle): see src/ui/pwa.ts.
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/apple-touch-icon-180.png', 'icons/icon.svg'],
      manifest: {
        id: '/',
        name: 'exlab-sync',
        short_name: 'exlab-sync',
        description: 'Keeps experiment runs on this device and syncs them to the lab NAS over WebDAV.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#0b5cad',
        background_color: '#f6f7f9',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        // Android: "share" files from the instrument's software to the app (handled in share-target-sw.js).
        share_target: {
          action: '/share-target',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { title: 'title', files: [{ name: 'files', accept: ['*/*'] }] },
        },
        // Desktop: "open with" exlab-sync; the page reads them from window.launchQueue.
        file_handlers: [
          {
            action: '/',
            accept: {
              'text/csv': ['.csv'],
              'text/plain': ['.txt', '.log'],
              'application/json': ['.json'],
              'application/octet-stream': ['.bin', '.raw', '.dat', '.mzml', '.fid'],
            },
          },
        ],
        launch_handler: { client_mode: 'focus-existing' },
      },
      workbox: {
        // The shell, the worker bundle and the SQLite .wasm; never anything under /dav/ (that is the NAS).
        globPatterns: ['**/*.{js,css,html,wasm,png,svg,webmanifest}'],
        globIgnores: ['**/sqlite3-worker1-*.js', '**/sqlite3-opfs-async-proxy-*.js'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/dav\//, /^\/share-target/],
        runtimeCaching: [],
        // Run before workbox's handlers: the share target's POST, and the static routes that send every request
        // to the NAS past this service worker (public/nas-bypass-sw.js).
        importScripts: ['share-target-sw.js', 'nas-bypass-sw.js'],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
      },
    }),
  ],
  // sqlite-wasm locates its .wasm relative to its own module; pre-bundling would break that.
  optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm'] },
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: { target: 'es2022', sourcemap: true, outDir: mode === 'e2e' ? 'dist-e2e' : 'dist' },
}));
