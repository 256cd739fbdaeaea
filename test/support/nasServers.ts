import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmbeddedDav } from './embeddedDav.ts';
import { startApacheDav } from './apacheDav.ts';
import { startNginxDav } from './nginxDav.ts';

/** The real WebDAV servers the engine is tested against, each serving its collection at /dav/. */
export type NasKind = 'embedded' | 'apache' | 'nginx';

export interface NasServer {
  kind: NasKind;
  origin: string;
  /** The folder on disk behind /dav/: what the NAS holds, byte for byte. */
  davRoot: string;
  stop(): Promise<void>;
}

/** Start one real WebDAV server of this kind on 127.0.0.1, storing below `dir`. */
export async function startNas(kind: NasKind, dir: string): Promise<NasServer> {
  mkdirSync(dir, { recursive: true });
  if (kind === 'apache') {
    // Apache also serves a page at / (the app, in e2e); here a stand-in page, which its start-up check reads.
    // Apache's workers run as www-data: they must be able to walk down to the folders they serve.
    chmodSync(dir, 0o755);
    const www = join(dir, 'www');
    mkdirSync(www, { recursive: true });
    writeFileSync(join(www, 'index.html'), '<!doctype html><title>NAS</title>\n');
    const apache = await startApacheDav(www, join(dir, 'apache'));
    return { kind, origin: apache.origin, davRoot: apache.davRoot, stop: () => apache.stop() };
  }
  if (kind === 'nginx') {
    const nginx = await startNginxDav(join(dir, 'nginx'));
    return { kind, origin: nginx.origin, davRoot: nginx.davRoot, stop: () => nginx.stop() };
  }
  const davRoot = join(dir, 'nas');
  const dav = await startEmbeddedDav({ root: davRoot });
  return { kind, origin: dav.origin, davRoot, stop: () => dav.stop() };
}
