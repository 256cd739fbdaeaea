import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The app's own bookkeeping names in a run folder: the manifest and the claim. */
export const BOOKKEEPING = ['manifest-sha256.txt', '.exlab-claim.json'];

/**
 * What a NAS folder holds, as a person listing it on the server would see it: every file below `dir`
 * ("/"-separated relative path, names kept byte for byte) with its SHA-256.
 */
export function nasTree(dir: string, options: { withBookkeeping?: boolean } = {}): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, `${prefix}${name}/`);
      else out.set(`${prefix}${name}`, createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  if (existsSync(dir)) walk(dir, '');
  if (!options.withBookkeeping) for (const name of BOOKKEEPING) out.delete(name);
  return out;
}

/** The SHA-256 of each file of a run as the device holds it. */
export function runHashes(files: { relPath: string; text: string }[]): Map<string, string> {
  return new Map(files.map((f) => [f.relPath, createHash('sha256').update(f.text).digest('hex')]));
}
