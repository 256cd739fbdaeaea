// The one build-time value the worker reads: the mode Vite built it in (`vite build --mode e2e` adds the
// test hooks, see main.ts). Declared as vite/client declares it; the worker's program has no vite/client,
// whose other declarations are the page's.
interface ImportMetaEnv {
  MODE: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}

/** The app's version, set at build time (vite.config.ts); written into this device's file on the NAS. */
declare const __APP_VERSION__: string;
