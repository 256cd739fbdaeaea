import { join } from 'node:path';
import { type ApacheDav, startApacheDav } from './apacheDav.ts';
import { startNginxRecipe } from './nginxRecipe.ts';

export interface ProductionPath {
  /** The nginx recipe's origin: the app at /, the NAS at /dav/. */
  origin: string;
  /** The folder Apache's mod_dav stores /dav/ in. */
  davRoot: string;
  apache: ApacheDav;
  stop(): Promise<void>;
}

/**
 * The deployment the README describes: the built app and the NAS behind the nginx recipe
 * (deploy/nginx), the NAS being Apache httpd with mod_dav. What a lab runs, so what the benchmark times.
 */
export async function startProductionPath(distDir: string, workDir: string): Promise<ProductionPath> {
  const apache = await startApacheDav(distDir, join(workDir, 'apache'));
  try {
    const nginx = await startNginxRecipe(distDir, apache.origin, join(workDir, 'nginx'));
    return {
      origin: nginx.origin,
      davRoot: apache.davRoot,
      apache,
      async stop() {
        await nginx.stop();
        await apache.stop();
      },
    };
  } catch (err) {
    await apache.stop();
    throw err;
  }
}
