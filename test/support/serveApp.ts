import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { preview } from 'vite';
import { startEmbeddedDav } from './embeddedDav.ts';

/**
 * Every answer from the NAS under /dav/: what it holds is data, never part of the app. An instrument's
 * HTML report opened there gets an opaque origin and runs no script (sandbox), is saved rather than
 * shown (attachment), and nothing is taken for a script by guessing (nosniff): it cannot read the app's
 * OPFS or localStorage. The same as deploy/nginx/exlab-sync.conf's location /dav/.
 */
export const NAS_ANSWER_HEADERS = {
  'content-security-policy': 'sandbox',
  'content-disposition': 'attachment',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

export interface ServedApp {
  url: string;
  davRoot: string;
  stop(): Promise<void>;
}

/**
 * The built app (dist/) on 127.0.0.1 with the embedded WebDAV server proxied at the same origin under
 * /dav/, the app's default NAS URL. `logFile` gets one line per WebDAV request.
 */
export async function serveApp(options: {
  port: number;
  davRoot: string;
  davPort?: number;
  logFile?: string;
  /** The built app to serve; dist/ by default. Read from disk on every request, so it can be redeployed live. */
  distDir?: string;
}): Promise<ServedApp> {
  const davRoot = resolve(options.davRoot);
  const logFile = options.logFile;
  const dav = await startEmbeddedDav({
    root: davRoot,
    port: options.davPort ?? 0,
    log: logFile ? (line) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`) : undefined,
  });
  const server = await preview({
    logLevel: 'warn',
    build: options.distDir ? { outDir: resolve(options.distDir) } : undefined,
    preview: {
      host: '127.0.0.1',
      port: options.port,
      strictPort: true,
      proxy: {
        '^/dav(/|$)': {
          target: dav.origin,
          changeOrigin: false,
          configure: (proxy) => proxy.on('proxyRes', (res) => Object.assign(res.headers, NAS_ANSWER_HEADERS)),
        },
      },
    },
  });
  const port = (server.httpServer.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    davRoot,
    async stop() {
      await server.close();
      await dav.stop();
    },
  };
}
