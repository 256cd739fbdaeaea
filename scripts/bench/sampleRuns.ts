import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

// The runs the benchmark syncs: one big capture, and a run of many small files (one per spectrum, tile
// or well). Random bytes, so no layer can compress them; the SHA-256 of each is known beforehand, as
// the references compare what they read back against it.

export interface SampleRun {
  dir: string;
  /** Names inside `dir`, flat. */
  names: string[];
  bytes: number;
  sha256: Map<string, string>;
}

export function makeBigRun(dir: string, mb: number): SampleRun {
  mkdirSync(dir, { recursive: true });
  const name = 'capture.bin';
  const hash = createHash('sha256');
  const fd = openSync(join(dir, name), 'w');
  const chunk = randomBytes(1 << 20);
  for (let i = 0; i < mb; i++) {
    chunk.fill(i & 0xff, 0, 1); // every MiB differs from the last
    writeSync(fd, chunk);
    hash.update(chunk);
  }
  closeSync(fd);
  return { dir, names: [name], bytes: mb * 2 ** 20, sha256: new Map([[name, hash.digest('hex')]]) };
}

/** `count` files of 1 to 20 KiB. */
export function makeSmallRun(dir: string, count: number): SampleRun {
  mkdirSync(dir, { recursive: true });
  const run: SampleRun = { dir, names: [], bytes: 0, sha256: new Map() };
  for (let i = 0; i < count; i++) {
    const body = randomBytes(1024 + ((i * 7919) % (19 * 1024)));
    const name = `s${String(i).padStart(5, '0')}.dat`;
    writeFileSync(join(dir, name), body);
    run.names.push(name);
    run.bytes += body.length;
    run.sha256.set(name, createHash('sha256').update(body).digest('hex'));
  }
  return run;
}
