import { expect, test } from 'vitest';
import { createStreamHasher } from './streamHasher';

// In Chromium, where a big stream is hashed in the hash worker: each digest is the SHA-256 the browser's
// own WebCrypto gives for the same bytes, whatever the pieces, and the caller may reuse a piece's buffer
// as soon as update() settles.

const MB = 1024 * 1024;

function bytes(n: number, seed: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed + (i >> 10)) & 0xff;
  return b;
}

async function reference(data: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Feeds `data` in pieces of `piece` bytes through ONE reused buffer, overwritten after each update. */
async function hashInPieces(data: Uint8Array, piece: number): Promise<string> {
  const hasher = await createStreamHasher(data.length);
  const scratch = new Uint8Array(piece);
  for (let at = 0; at < data.length; at += piece) {
    const part = data.subarray(at, at + piece);
    scratch.set(part);
    await hasher.update(scratch.subarray(0, part.length));
    scratch.fill(0xee);
  }
  return hasher.digest();
}

test('a 10 MB stream in pieces of every size gives the SHA-256 WebCrypto gives', async () => {
  const data = bytes(10 * MB + 123, 1);
  const expected = await reference(data);
  for (const piece of [1000, 64 * 1024 + 7, MB, 4 * MB, 10 * MB + 123]) {
    expect(await hashInPieces(data, piece)).toBe(expected);
  }
});

test('streams hashed at the same time keep their own digests, and an abandoned one harms none', async () => {
  const runs = [bytes(6 * MB, 2), bytes(9 * MB + 1, 3), bytes(5 * MB - 1, 4)];
  const abandoned = await createStreamHasher(8 * MB);
  await abandoned.update(bytes(3 * MB, 5));
  const digests = Promise.all(runs.map((d, i) => hashInPieces(d, [MB, 300_000, 2 * MB + 3][i])));
  abandoned.dispose();
  expect(await digests).toEqual(await Promise.all(runs.map(reference)));
});

test('an empty stream announced as big gives the SHA-256 of nothing', async () => {
  const hasher = await createStreamHasher(64 * MB);
  expect(await hasher.digest()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});
