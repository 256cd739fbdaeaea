import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createRig, type Rig } from '../../../test/support/engineRig';

// Hostile names go through intake and the engine to a real WebDAV server on disk: each is refused with a
// clear message or lands inside the run's NAS folder, never outside it.

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

function allFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

const ACCEPTED = [
  '/abs/path.txt',
  'ctrl\u0001\u0007char.txt',
  'nul\u0000byte.txt',
  `${'x'.repeat(300)}.txt`,
  'CON',
  'aux.txt',
  'trailing dots...',
  'trailing spaces   ',
  'rlo\u202Etxt.exe',
  '%2e%2e',
  'up/%2e%2e/%2e%2e/escape.txt',
  'a%2fb.txt',
  'hash#frag.txt',
  'question?mark.txt',
  'emoji 🧪🔬.txt',
  './dot/./segments.txt',
];

test('hostile file names land inside the run folder, each under one safe name', async () => {
  rig = await createRig();
  const job = await rig.intake(
    'hostile',
    ACCEPTED.map((relPath, i) => ({ relPath, body: new Blob([`file ${i}`]) })),
  );
  rig.engine.start();
  await rig.waitFor(job.id, (j) => j.state === 'cleaned', 'CLEANED');
  const everything = allFiles(rig.davRoot);
  const runDir = job.nas_path!.split('/').join(sep);
  // Each file, the manifest and the run folder's claim.
  expect(everything.length).toBe(ACCEPTED.length + 2);
  for (const f of everything) {
    expect(f.startsWith(runDir + sep), f).toBe(true);
    for (const part of f.split(sep)) {
      expect(part === '.' || part === '..', f).toBe(false);
      expect(Buffer.byteLength(part)).toBeLessThanOrEqual(255);
      expect(/[\u0000-\u001f\u202e]/.test(part), f).toBe(false);
    }
  }
  const names = everything.map((f) =>
    f
      .slice(runDir.length + 1)
      .split(sep)
      .join('/'),
  );
  expect(names).toEqual(
    expect.arrayContaining([
      'abs/path.txt',
      '_CON',
      '_aux.txt',
      'trailing dots',
      '_2e_2e',
      'up/_2e_2e/_2e_2e/escape.txt',
      'a_2fb.txt',
      'hash#frag.txt',
      'question?mark.txt',
      'emoji 🧪🔬.txt',
      'dot/segments.txt',
      'manifest-sha256.txt',
      '.exlab-claim.json',
    ]),
  );
});

test('names that cannot be made safe are refused with what to do, and nothing is kept', async () => {
  rig = await createRig();
  const refused: [string, RegExp][] = [
    ['..', /has no usable characters|outside its run/],
    ['../x', /outside its run/],
    ['a/../../b', /outside its run/],
    ['. .', /has no usable characters/],
    ['\u0000\u0001', /has no usable characters/],
    ['back\\slash\\name.txt', /contains a backslash .* rename the file/],
  ];
  for (const [relPath, message] of refused) {
    await expect(rig.intake('r', [{ relPath, body: new Blob(['x']) }]), relPath).rejects.toThrow(message);
  }
  // NFC/NFD twins are the same name on most NAS file systems: refused, not silently merged.
  await expect(
    rig.intake('twins', [
      { relPath: 'caf\u00e9.txt', body: new Blob(['nfc']) },
      { relPath: 'cafe\u0301.txt', body: new Blob(['nfd']) },
    ]),
  ).rejects.toThrow(/Two files would have the same name in the run: café.txt/);
  await expect(
    rig.intake('clash', [
      { relPath: 'data', body: new Blob(['file']) },
      { relPath: 'data/inner.txt', body: new Blob(['in a folder of the same name']) },
    ]),
  ).rejects.toThrow('"data" would be both a file and a folder in the run; rename one of them.');
  expect(await rig.queue.listAll()).toEqual([]);
  expect(readdirSync(rig.localRoot)).toEqual([]);
});

test('hostile run names and equipment ids stay one segment below the NAS base', async () => {
  rig = await createRig();
  const job = await rig.intake('../../etc', [{ relPath: 'x.txt', body: new Blob(['x']) }]);
  expect(job.nas_path).toBe('hplc-01/2025-06-01/.._.._etc');
  await expect(rig.intake('..', [{ relPath: 'x.txt', body: new Blob(['x']) }])).rejects.toThrow(/run name ".." has no usable characters/);
});
