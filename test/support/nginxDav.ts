import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from './freePort.ts';
import { spawnServer } from './spawnServer.ts';

export interface NginxDav {
  origin: string;
  /** The folder nginx stores /dav/ in. */
  davRoot: string;
  /** "METHOD /path STATUS" lines from the access log. */
  requests(): string[];
  stop(): Promise<void>;
}

export interface NginxDavOptions {
  /**
   * Answer CORS for pages of this origin, as the README says a NAS on another origin must: the
   * headers on every answer, and 204 to preflights.
   */
  corsOrigin?: string;
}

/** The CORS part of the server block: what a NAS on another origin than the app's needs. */
function corsLines(origin: string): string[] {
  return [
    `      add_header Access-Control-Allow-Origin "${origin}" always;`,
    '      add_header Access-Control-Allow-Methods "GET, HEAD, PUT, DELETE, MKCOL, MOVE, PROPFIND, OPTIONS" always;',
    '      add_header Access-Control-Allow-Headers "Authorization, Content-Type, Depth, Destination, Overwrite" always;',
    '      add_header Access-Control-Max-Age 600 always;',
    '      if ($request_method = OPTIONS) { return 204; }',
  ];
}

/**
 * Debian's nginx with its dav module and dav-ext (PROPFIND) on 127.0.0.1, serving a folder at /dav/: the
 * third real WebDAV server of the tests. It leaves names starting with "." out of PROPFIND listings.
 */
export async function startNginxDav(workDir: string, options: NginxDavOptions = {}): Promise<NginxDav> {
  const port = await freePort();
  const dir = resolve(workDir);
  rmSync(dir, { recursive: true, force: true });
  const davRoot = join(dir, 'dav');
  for (const d of [dir, davRoot, join(dir, 'tmp')]) mkdirSync(d, { recursive: true });
  const conf = [
    'load_module /usr/lib/nginx/modules/ngx_http_dav_ext_module.so;',
    'daemon off;',
    'master_process off;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log;`,
    'events { worker_connections 256; }',
    'http {',
    '  log_format dav "$request_method $uri $status";',
    `  access_log ${dir}/access.log dav;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/tmp/${t};`),
    '  server {',
    `    listen 127.0.0.1:${port};`,
    '    location = / { return 200 "nginx dav\\n"; }',
    '    location /dav/ {',
    `      alias ${davRoot}/;`,
    '      dav_methods PUT DELETE MKCOL COPY MOVE;',
    '      dav_ext_methods PROPFIND OPTIONS;',
    '      dav_access user:rw group:rw all:r;',
    '      create_full_put_path off;',
    '      client_max_body_size 0;',
    ...(options.corsOrigin ? corsLines(options.corsOrigin) : []),
    '    }',
    '  }',
    '}',
  ].join('\n');
  writeFileSync(join(dir, 'nginx.conf'), `${conf}\n`);
  const origin = `http://127.0.0.1:${port}`;
  const server = await spawnServer('/usr/sbin/nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], origin);
  return {
    origin,
    davRoot,
    requests: () => {
      try {
        return readFileSync(join(dir, 'access.log'), 'utf8').trim().split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    stop: () => server.stop(),
  };
}
