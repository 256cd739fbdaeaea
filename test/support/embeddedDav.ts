import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

// The embedded WebDAV endpoint that stands in for the NAS: webdav-server (a maintained npm WebDAV
// server) storing into a folder on disk, mounted at /dav, listening on 127.0.0.1 only.
const require = createRequire(import.meta.url);
const { v2: webdav } = require('webdav-server') as typeof import('webdav-server');

export interface EmbeddedDav {
  /** The server's origin, e.g. http://127.0.0.1:41234 (the collection is at /dav/). */
  origin: string;
  port: number;
  root: string;
  stop(): Promise<void>;
}

export interface EmbeddedDavOptions {
  root: string;
  port?: number;
  username?: string;
  password?: string;
  /** Called with "METHOD /path" for every request, before it is handled. */
  log?: (line: string) => void;
}

export async function startEmbeddedDav(options: EmbeddedDavOptions): Promise<EmbeddedDav> {
  mkdirSync(options.root, { recursive: true });
  const auth = options.username
    ? (() => {
        const users = new webdav.SimpleUserManager();
        users.addUser(options.username!, options.password ?? '', false);
        return { requireAuthentification: true, httpAuthentication: new webdav.HTTPBasicAuthentication(users, 'NAS') };
      })()
    : {};
  const server = new webdav.WebDAVServer({ hostname: '127.0.0.1', port: options.port ?? 0, ...auth });
  if (options.log) {
    const log = options.log;
    server.beforeRequest((ctx, next) => {
      log(`${ctx.request.method} ${ctx.request.url}${ctx.request.headers.destination ? ` -> ${ctx.request.headers.destination}` : ''}`);
      next();
    });
  }
  await new Promise<void>((resolve, reject) =>
    server.setFileSystem('/dav', new webdav.PhysicalFileSystem(options.root), (ok) =>
      ok ? resolve() : reject(new Error('could not mount the WebDAV folder')),
    ),
  );
  const http = await new Promise<import('node:http').Server>((resolve) => server.start((s) => resolve(s as import('node:http').Server)));
  const port = (http.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    root: options.root,
    stop: () => new Promise<void>((resolve) => server.stop(() => resolve())),
  };
}
