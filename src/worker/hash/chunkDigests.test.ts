import { createHash, randomBytes } from 'node:crypto';
import { expect, test, vi } from 'vitest';
import { createChunkDigester, sameChunkDigests } from './chunkDigests';

// The digest of each piece is what a read-back of a big file is checked against before its device copy
// is freed: it must be the SHA-256 of exactly that piece, however the stream was cut.

const PIECE = 1024 * 1024;

/** node:crypto's SHA-256 of each PIECE of `data`, concatenated. */
function expected(data: Uint8Array): Uint8Array {
  const out: Buffer[] = [];
  for (let at = 0; at < data.length; at += PIECE)
    out.push(
      createHash('sha256')
        .update(data.subarray(at, at + PIECE))
        .digest(),
    );
  return new Uint8Array(Buffer.concat(out));
}

/** Feeds `data` in pieces of `step` bytes through ONE buffer, overwritten (with 0xee) as soon as each update settles. */
async function digestInSteps(data: Uint8Array, step: number) {
  const digester = createChunkDigester(PIECE);
  const reused = new Uint8Array(step);
  for (let at = 0; at < data.length; at += step) {
    const n = Math.min(step, data.length - at);
    reused.set(data.subarray(at, at + n));
    await digester.update(reused.subarray(0, n));
    reused.fill(0xee);
  }
  return digester.finish();
}

test('each piece digested is the SHA-256 of that piece, whatever the steps the bytes come in, the caller\u2019s buffer reused at once', async () => {
  const data = new Uint8Array(randomBytes(7 * PIECE + 12_345));
  for (const step of [1, 65_537, PIECE - 1, PIECE, PIECE + 1, 3 * PIECE, 8 * PIECE]) {
    const got = await digestInSteps(data, step);
    expect({ step, chunkBytes: got.chunkBytes, digests: Buffer.from(got.digests).toString('hex') }).toEqual({
      step,
      chunkBytes: PIECE,
      digests: Buffer.from(expected(data)).toString('hex'),
    });
  }
}, 60_000);

test('no bytes, no pieces; an exact number of pieces has no empty last one', async () => {
  expect((await digestInSteps(new Uint8Array(0), 10)).digests.length).toBe(0);
  const twoPieces = new Uint8Array(randomBytes(2 * PIECE));
  expect(Buffer.from((await digestInSteps(twoPieces, PIECE)).digests).toString('hex')).toBe(
    Buffer.from(expected(twoPieces)).toString('hex'),
  );
  expect((await digestInSteps(twoPieces, PIECE)).digests.length).toBe(64);
});

test('one byte changed, one byte missing or one byte more is a different list', async () => {
  const data = new Uint8Array(randomBytes(3 * PIECE + 5));
  const original = await digestInSteps(data, 65_536);
  const flipped = data.slice();
  flipped[PIECE + 17] ^= 1;
  const longer = new Uint8Array(data.length + 1);
  longer.set(data);
  expect(sameChunkDigests(original, await digestInSteps(data, PIECE))).toBe(true);
  expect(sameChunkDigests(original, await digestInSteps(flipped, 65_536))).toBe(false);
  expect(sameChunkDigests(original, await digestInSteps(data.subarray(0, data.length - 1), 65_536))).toBe(false);
  expect(sameChunkDigests(original, await digestInSteps(longer, 65_536))).toBe(false);
  // The same digests for pieces of another size are not the same list.
  expect(sameChunkDigests(original, { ...original, chunkBytes: PIECE * 2 })).toBe(false);
});

test('a piece size that can never fill is refused at once, not looped on', () => {
  for (const size of [0, -1, 0.5, Number.NaN]) expect(() => createChunkDigester(size)).toThrow(RangeError);
});

test('a piece WebCrypto refuses makes the whole list fail, never a list without that piece', async () => {
  // WebCrypto refuses nothing the digester hands it (each piece is its own copy), so the refusal is made
  // here: the next digest asked for rejects (TypeError), as WebCrypto's own refusals do.
  const refuseNext = () =>
    vi.spyOn(crypto.subtle, 'digest').mockImplementationOnce(() => Promise.reject(new TypeError('refused by the test')));
  refuseNext();
  const alone = createChunkDigester(PIECE);
  await alone.update(new Uint8Array(PIECE));
  await expect(alone.finish()).rejects.toThrow(TypeError);
  // First of more pieces than are kept pending: the failure surfaces in update() or finish(), never as a list.
  refuseNext();
  const first = createChunkDigester(PIECE);
  const list = (async () => {
    for (let i = 0; i < 7; i++) await first.update(new Uint8Array(PIECE));
    return first.finish();
  })();
  await expect(list).rejects.toThrow(TypeError);
  vi.restoreAllMocks();
});
