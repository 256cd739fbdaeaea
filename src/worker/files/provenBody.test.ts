import { createHash, randomBytes } from 'node:crypto';
import { expect, test } from 'vitest';
import { LocalFileMissingError } from '../errors';
import { checkedBeforeSending, provenSmallBody } from './provenBody';
import { CHUNK_BYTES } from './sourceChunks';

// The bytes of a small file are sent only once they are the picked file's: the SHA-256 intake took.

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const file = (bytes: Uint8Array, sha256 = sha(bytes)) => ({ seq: 0, size: bytes.length, rel_path: 'x.csv', pack_offset: 0, sha256 });

test("the picked bytes pass, as bytes or as a Blob; other bytes, or a damaged SHA-256, are refused as the device copy's fault", async () => {
  const empty = new Uint8Array(0);
  expect((await provenSmallBody(file(empty), empty)).byteLength).toBe(0);
  const b = new Uint8Array(randomBytes(100));
  expect(await provenSmallBody(file(b, sha(b).toUpperCase()), b)).toEqual(b);
  expect(await provenSmallBody(file(b), new Blob([b]))).toEqual(b);
  const other = new Uint8Array(randomBytes(100));
  for (const [row, body] of [
    [file(b), other],
    [file(b), b.subarray(0, 99)],
    [file(b, ` ${sha(b)}`), b],
    [file(b, ''), b],
  ] as const) {
    const err = await provenSmallBody(row, body).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LocalFileMissingError);
    expect((err as Error).message).toBe('local_file_vanished: x.csv (its device copy does not hold the bytes that were picked)');
  }
});

test('every file a pack could hold is checked, wherever it is kept; a bigger one is not read twice', () => {
  expect(checkedBeforeSending({ seq: 0, size: CHUNK_BYTES, rel_path: 'x', pack_offset: null })).toBe(true);
  expect(checkedBeforeSending({ seq: 0, size: 10, rel_path: 'x', pack_offset: 0 })).toBe(true);
  expect(checkedBeforeSending({ seq: 0, size: CHUNK_BYTES + 1, rel_path: 'x', pack_offset: null })).toBe(false);
});
