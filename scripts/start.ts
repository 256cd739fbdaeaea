import { serveApp } from '../test/support/serveApp.ts';

// `npm start`: the built app on http://127.0.0.1:5173 with an embedded WebDAV server standing in for the
// NAS, proxied at the same origin under /dav/ (the app's default NAS URL). Loopback only.
// PORT, DAV_PORT and EXLAB_DAV_ROOT change the ports and the folder the "NAS" stores runs in;
// EXLAB_DAV_LOG names a file that gets one line per WebDAV request (the tests count PUTs with it);
// EXLAB_DIST serves another build than dist/ (the e2e tests serve dist-e2e/).
const app = await serveApp({
  port: Number(process.env.PORT ?? 5173),
  davPort: Number(process.env.DAV_PORT ?? 0),
  davRoot: process.env.EXLAB_DAV_ROOT ?? 'nas-data',
  logFile: process.env.EXLAB_DAV_LOG,
  distDir: process.env.EXLAB_DIST,
});
console.log(`exlab-sync: ${app.url}`);
console.log(`NAS stand-in: WebDAV at ${app.url}dav/, storing into ${app.davRoot}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void app.stop().then(() => process.exit(0)));
}
