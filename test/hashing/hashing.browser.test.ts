import * as Comlink from 'comlink';
import { afterAll, expect, test } from 'vitest';
import type { HashProbe, Written } from './hashProbeWorker';

// Red-team checks of the hashing the device copy's deletion rests on, in Chromium, in a dedicated worker
// as the app runs it (real OPFS, the hash worker started from that worker, a real fetch for the read-back).
// A digest is right when it is WebCrypto's SHA-256 of the source's bytes, and what OPFS holds is those bytes.

const MB = 1024 * 1024;
const worker = new Worker(new URL('./hashProbeWorker.ts', import.meta.url), { type: 'module' });
const probe = Comlink.wrap<HashProbe>(worker);
afterAll(() => worker.terminate());

/** Bytes that differ at every 1 KB and every 1 MB step: a piece skipped, doubled or swapped changes the digest. */
function bytes(n: number, seed: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed + (i >> 10) + (i >> 20) * 101) & 0xff;
  return b;
}

async function sha(data: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** WebCrypto's SHA-256 of each 4 MiB piece of `data`, as the store keeps them for a file bigger than one piece. */
async function pieces(data: Uint8Array<ArrayBuffer>): Promise<string[]> {
  const out: string[] = [];
  for (let at = 0; at < data.length; at += 4 * MB) out.push(await sha(data.subarray(at, at + 4 * MB)));
  return out;
}

async function whole(data: Uint8Array<ArrayBuffer>, expected: string): Promise<Written> {
  const chunks = data.length > 4 * MB ? await pieces(data) : null;
  return { size: data.length, sha256: expected, storedSize: data.length, storedSha256: expected, chunks };
}

test('files of every size around the 1 MB and 4 MB steps, written into OPFS as intake does: true SHA-256, every byte kept', async () => {
  const sizes = [0, 1, MB - 1, MB, MB + 1, 4 * MB - 1, 4 * MB, 4 * MB + 1, 8 * MB, 8 * MB + 1, 12 * MB + 7];
  for (let at = 0; at < sizes.length; at += 4) {
    const data = sizes.slice(at, at + 4).map((n, i) => bytes(n, at + i));
    const jobId = `sizes-${at}`;
    const written = await probe.writeAll(
      jobId,
      data.map((d) => new Blob([d])),
    );
    await probe.deleteRun(jobId);
    expect(written).toEqual(await Promise.all(data.map(async (d) => whole(d, await sha(d)))));
  }
}, 120_000);

test('a pack given up by a failed intake takes no more files, and the run\u2019s folder can then be deleted', async () => {
  expect(await probe.abandonedPack('abandoned-pack')).toEqual({ appendAfter: "the run's pack is closed", foldersAfterDelete: [] });
});

test('a Blob of many odd parts (its stream gives pieces at the parts\u2019 edges) is stored and hashed whole', async () => {
  const data = bytes(9 * MB + 5, 77);
  const cuts = [0, 1, 65_537, MB - 3, 4 * MB, 4 * MB + 1, 6 * MB + 999, 9 * MB + 5];
  const parts = cuts.slice(1).map((end, i) => data.slice(cuts[i], end));
  const [written] = await probe.writeAll('parts', [new Blob(parts)]);
  await probe.deleteRun('parts');
  expect(written).toEqual(await whole(data, await sha(data)));
}, 60_000);

test('a source cut short while it is read is refused, never stored short as the file; one that grows is stored as picked', async () => {
  // Before the fix a 24 MB file cut to 8 MB after its first chunk was stored as an 8 MB file, with its
  // own (true) digest and no error: the run went to the NAS, was verified, and its device copy freed.
  const data = bytes(24 * MB, 5);
  const cut = await probe.changedWhileRead('changed-shrink', data, 'shrink');
  await probe.deleteRun('changed-shrink');
  expect(cut).toEqual({ changed: true, error: expect.stringMatching(/^SourceChangedError: A file changed after it was picked/) });
  const grown = await probe.changedWhileRead('changed-grow', data, 'grow');
  await probe.deleteRun('changed-grow');
  expect(grown).toEqual({ changed: true, written: await whole(data, await sha(data)) });
}, 120_000);

test('the read-back gives the true digest whatever size it was told, several at once', async () => {
  const cases: [Uint8Array<ArrayBuffer>, number][] = [
    [bytes(9 * MB + 3, 1), 10], // told small: hashed here
    [bytes(5, 2), 64 * MB], // told big: hashed in the hash worker
    [bytes(4 * MB, 3), 4 * MB - 1], // the NAS sends one byte more than the file's size
    [bytes(4 * MB - 1, 4), 4 * MB], // one byte fewer
    [bytes(0, 5), 8 * MB],
    [bytes(6 * MB + 1, 6), 6 * MB + 1],
  ];
  const got = await Promise.all(cases.map(([d, told]) => probe.readBack(new Blob([d]), told)));
  expect(got).toEqual(await Promise.all(cases.map(async ([d]) => ({ sha256: await sha(d) }))));
}, 60_000);

test('the read-back gives the true digest of every 4 MiB piece, whatever pieces the fetch stream gives', async () => {
  const cases = [bytes(0, 11), bytes(5, 12), bytes(4 * MB, 13), bytes(4 * MB + 1, 14), bytes(13 * MB + 999, 15)];
  const got = await Promise.all(cases.map((d) => probe.readBackChunks(new Blob([d]))));
  expect(got).toEqual(await Promise.all(cases.map(async (d) => ({ chunks: await pieces(d) }))));
}, 60_000);

test('a read-back stopped half-way reports no digest, and the streams beside it and after it keep theirs', async () => {
  const stopped = bytes(20 * MB, 8);
  const beside = bytes(11 * MB + 17, 9);
  const [a, b] = await Promise.all([
    probe.readBack(new Blob([stopped]), stopped.length, 7 * MB),
    probe.readBack(new Blob([beside]), beside.length),
  ]);
  expect(a).toEqual({ error: expect.any(String) });
  expect(b).toEqual({ sha256: await sha(beside) });
  const after = bytes(9 * MB, 10);
  expect(await probe.readBack(new Blob([after]), after.length)).toEqual({ sha256: await sha(after) });
}, 60_000);

test('a run\u2019s small files read from its pack for upload: each one\u2019s bytes, read side by side; the pack is let go after', async () => {
  const data = [0, 1, 700, 20_000, MB, 4 * MB].map((n, i) => bytes(n, 300 + i));
  const expected = await Promise.all(data.map(sha));
  const left = await probe.packReads(
    'pack-reads',
    data.map((d) => new Blob([d])),
    'nothing',
  );
  // While its uploads read it the pack stays open (read-only: it cannot be written), then it is let go.
  expect(left).toEqual({ kinds: data.map(() => 'bytes'), sha256s: expected, writableAtOnce: false, writableWithin5s: true });
  const closed = await probe.packReads(
    'pack-reads-closed',
    data.map((d) => new Blob([d])),
    'closeReaders',
  );
  expect(closed).toEqual({ kinds: data.map(() => 'bytes'), sha256s: expected, writableAtOnce: true, writableWithin5s: true });
}, 60_000);

test('a run deleted while its pack is open for upload is deleted; a read after finds its files gone', async () => {
  const data = [bytes(5_000, 1), bytes(9_000, 2)];
  expect(
    await probe.packReads(
      'pack-deleted',
      data.map((d) => new Blob([d])),
      'deleteRun',
    ),
  ).toEqual({
    kinds: ['bytes', 'bytes'],
    sha256s: await Promise.all(data.map(sha)),
    foldersAfterDelete: [],
    readAfterDelete: 'LocalFileMissingError',
  });
});

test('a pack held open for writing elsewhere is still read, another way', async () => {
  const data = bytes(12_345, 9);
  expect(await probe.packReadWhileHeld('pack-held', new Blob([data]))).toEqual({ kind: 'blob', sha256: await sha(data) });
});
