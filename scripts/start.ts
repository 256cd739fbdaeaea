import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { preview } from 'vite';
import { startEmbeddedDav } from './embeddedDav.ts';

// `npm start`: the built app on http://127.0.0.1:5173 with an embedded WebDAV server standing in for the
// NAS, proxied at the same origin under /dav/ (the app's default NAS URL). Loopback only.
// PORT, DAV_PORT and EXLAB_DAV_ROOT change the ports and the folder the "NAS" stores runs in;
// EXLAB_DAV_LOG names a file that gets one line per WebDAV request (the tests count PUTs with it).
const port = Number(process.env.PORT ?? 5173);
const root = resolve(process.env.EXLAB_DAV_ROOT ?? 'nas-data');
const logFile = process.env.EXLAB_DAV_LOG;
const dav = await startEmbeddedDav({
  root,
  port: Number(process.env.DAV_PORT ?? 0),
  log: logFile ? (line) => appendFileSync(logFile, `${line}\n`) : undefined,
});
const server = await preview({
  logLevel: 'warn',
  preview: {
    host: '127.0.0.1',
    port,
    strictPort: true,
    proxy: { '/dav': { target: dav.origin, changeOrigin: false } },
  },
});
console.log(`exlab-sync: http://127.0.0.1:${port}/`);
console.log(`NAS stand-in: WebDAV at http://127.0.0.1:${port}/dav/, storing into ${root}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void Promise.all([server.close(), dav.stop()]).then(() => process.exit(0));
  });
}
