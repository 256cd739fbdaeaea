import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SampleRun } from './sampleRuns.ts';

// What a lab could use instead, on the same server through the same path: curl doing the app's own
// protocol (PUT to a temporary name, MOVE with Overwrite: F, GET back and compare the SHA-256) with the
// app's parallelism, and rclone (copy, then check --download). Not execFileSync: the WebDAV servers
// of the embedded path run in this very process and must keep serving.

const exec = promisify(execFile);

export interface ReferenceTimes {
  uploadMs: number;
  verifyMs: number;
}

const timed = async (work: () => Promise<unknown>) => {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
};

/** Split `items` into `lanes` round-robin shares. */
const shares = <T>(items: T[], lanes: number) =>
  Array.from({ length: lanes }, (_, l) => items.filter((_, i) => i % lanes === l)).filter((s) => s.length);

/** Run curl on a config file; every transfer's status must be 2xx (a reference that failed is no reference). */
async function curlConfig(config: string[], cfgFile: string): Promise<void> {
  writeFileSync(cfgFile, config.join('\n'));
  const { stdout } = await exec('curl', ['-sS', '-K', cfgFile], { maxBuffer: 1 << 24 });
  const bad = stdout.split('\n').filter((s) => s && !/^2\d\d$/.test(s));
  if (bad.length) throw new Error(`curl reference: ${bad.length} requests failed (${bad[0]})`);
}

const block = (lines: string[]) => [...lines, 'write-out = "%{http_code}\\n"', 'output = "/dev/null"'];
const quoted = (s: string) => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

/**
 * curl, `lanes` processes at once, each one connection: MKCOL the folder, then per file PUT to a
 * temporary name and MOVE (Overwrite: F) onto its name; then GET every file back and compare its
 * SHA-256 with the one known beforehand. `folderUrl` ends with "/".
 */
export async function curlSameProtocol(folderUrl: string, run: SampleRun, lanes: number, work: string): Promise<ReferenceTimes> {
  mkdirSync(work, { recursive: true });
  const uploadMs = await timed(async () => {
    await curlConfig(block(['request = "MKCOL"', `url = ${quoted(folderUrl)}`]), join(work, 'mkcol.cfg'));
    await Promise.all(
      shares(run.names, lanes).map((names, l) => {
        const config = names.flatMap((name) => [
          ...block([`upload-file = ${quoted(join(run.dir, name))}`, `url = ${quoted(`${folderUrl}.part-${name}`)}`]),
          'next',
          ...block([
            'request = "MOVE"',
            `header = "Destination: ${folderUrl}${name}"`,
            'header = "Overwrite: F"',
            `url = ${quoted(`${folderUrl}.part-${name}`)}`,
          ]),
          'next',
        ]);
        return curlConfig(config.slice(0, -1), join(work, `put-${l}.cfg`));
      }),
    );
  });
  const verifyMs = await timed(() => (run.names.length === 1 ? curlHashOne(folderUrl, run) : curlHashMany(folderUrl, run, lanes, work)));
  return { uploadMs, verifyMs };
}

/** One big file: GET piped into sha256sum, never on disk. */
async function curlHashOne(folderUrl: string, run: SampleRun): Promise<void> {
  const [name] = run.names;
  const { stdout } = await exec('sh', ['-c', 'curl -sS --fail "$1" | sha256sum', 'sh', `${folderUrl}${name}`]);
  if (stdout.split(' ')[0] !== run.sha256.get(name)) throw new Error(`curl reference: ${name} differs on the NAS`);
}

async function curlHashMany(folderUrl: string, run: SampleRun, lanes: number, work: string): Promise<void> {
  const out = join(work, 'get');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  await Promise.all(
    shares(run.names, lanes).map((names, l) => {
      const config = names.flatMap((name) => [
        `url = ${quoted(`${folderUrl}${name}`)}`,
        `output = ${quoted(join(out, name))}`,
        'write-out = "%{http_code}\\n"',
        'next',
      ]);
      return curlConfig(config.slice(0, -1), join(work, `get-${l}.cfg`));
    }),
  );
  for (const name of run.names) {
    if (
      createHash('sha256')
        .update(readFileSync(join(out, name)))
        .digest('hex') !== run.sha256.get(name)
    ) {
      throw new Error(`curl reference: ${name} differs on the NAS`);
    }
  }
}

/**
 * rclone, the tool a lab would use instead: `rclone copy --transfers <lanes>` into `remotePath` below
 * `davUrl`, then `rclone check --download` (it reads every file back and compares the bytes). A WebDAV
 * remote of vendor "other", configured through the environment alone.
 */
export async function rcloneCopyCheck(
  davUrl: string,
  remotePath: string,
  run: SampleRun,
  lanes: number,
  work: string,
): Promise<ReferenceTimes> {
  mkdirSync(work, { recursive: true });
  const config = join(work, 'rclone.conf');
  writeFileSync(config, '');
  const env = {
    ...process.env,
    RCLONE_CONFIG: config,
    RCLONE_CONFIG_NAS_TYPE: 'webdav',
    RCLONE_CONFIG_NAS_URL: davUrl,
    RCLONE_CONFIG_NAS_VENDOR: 'other',
  };
  const rclone = (args: string[]) => exec('rclone', [...args, '-q'], { env, maxBuffer: 1 << 24 });
  const uploadMs = await timed(() => rclone(['copy', run.dir, `nas:${remotePath}`, '--transfers', String(lanes)]));
  const verifyMs = await timed(() => rclone(['check', run.dir, `nas:${remotePath}`, '--download']));
  return { uploadMs, verifyMs };
}

/** A plain copy of the run on the same disk, flushed (as intake flushes): what intake is compared with. */
export async function plainCopyMs(run: SampleRun, work: string): Promise<number> {
  mkdirSync(work, { recursive: true });
  const ms = await timed(async () => {
    for (const name of run.names)
      await exec('dd', [`if=${join(run.dir, name)}`, `of=${join(work, name)}`, 'bs=4M', 'conv=fsync', 'status=none']);
  });
  rmSync(work, { recursive: true, force: true });
  return ms;
}
