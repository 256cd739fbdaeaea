import { expect, test } from 'vitest';
import { SourceChangedError } from '../errors';
import { CHUNK_BYTES, sourceChunks, unchangedSincePicked } from './sourceChunks';

// The picked file's bytes come out whole and in order, in chunks of CHUNK_BYTES but the last, whether the
// Blob's stream is a byte stream (read into one buffer) or a plain one (its pieces copied in).

function bytes(n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 12)) & 0xff;
  return b;
}

/** A Blob whose stream hands out plain (not byte) pieces of 100,000 bytes, as some browsers' do. */
class PlainStreamBlob extends Blob {
  /** `streamed`: the bytes its stream gives, when not all of them (a file cut short while it is read). */
  constructor(
    private readonly data: Uint8Array<ArrayBuffer>,
    private readonly streamed = data.length,
  ) {
    super([data]);
  }
  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    let at = 0;
    const data = this.data.subarray(0, this.streamed);
    return new ReadableStream({
      pull(controller) {
        if (at >= data.length) return controller.close();
        controller.enqueue(data.slice(at, (at += 100_000)));
      },
    });
  }
}

async function readAll(body: Blob): Promise<{ joined: Uint8Array; sizes: number[] }> {
  const parts: Uint8Array[] = [];
  for await (const chunk of sourceChunks(body)) parts.push(chunk.slice());
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) joined.set(p, (at += p.length) - p.length);
  return { joined, sizes: parts.map((p) => p.length) };
}

for (const size of [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 2 * CHUNK_BYTES + 5]) {
  for (const [kind, make] of [
    ['byte stream', (d: Uint8Array<ArrayBuffer>) => new Blob([d])],
    ['plain stream', (d: Uint8Array<ArrayBuffer>) => new PlainStreamBlob(d)],
  ] as const) {
    test(`${size} bytes through a ${kind}: every byte, in order, in whole chunks but the last`, async () => {
      const data = bytes(size);
      const { joined, sizes } = await readAll(make(data));
      expect(joined.length).toBe(size);
      expect(Buffer.from(joined).equals(Buffer.from(data))).toBe(true);
      expect(sizes.slice(0, -1).every((n) => n === CHUNK_BYTES)).toBe(true);
      expect(sizes.length).toBe(Math.ceil(size / CHUNK_BYTES));
    });
  }
}

test("a stream that ends short of the file's size (the file was cut while read) is refused, not taken as the file", async () => {
  const data = bytes(2 * CHUNK_BYTES + 5);
  await expect(readAll(new PlainStreamBlob(data, CHUNK_BYTES + 100_000))).rejects.toThrow(SourceChangedError);
  await expect(readAll(new PlainStreamBlob(data, 2 * CHUNK_BYTES))).rejects.toThrow(/changed after it was picked/);
});

test('a stream with more bytes than the file picked (still being written) is refused before the extra bytes are handed on', async () => {
  const grown = bytes(2 * CHUNK_BYTES + 5);
  // The picked File says 1.5 chunks; its stream gives what is on disk now, 2 chunks and 5 bytes.
  const picked = new PlainStreamBlob(grown);
  Object.defineProperty(picked, 'size', { value: CHUNK_BYTES + CHUNK_BYTES / 2 });
  const handed: number[] = [];
  const read = (async () => {
    for await (const chunk of sourceChunks(picked)) handed.push(chunk.length);
  })();
  await expect(read).rejects.toThrow(SourceChangedError);
  expect(handed).toEqual([CHUNK_BYTES]);
});

/** A picked file rewritten in place after it was opened: Chromium streams it on, and refuses the next open. */
class RewrittenBlob extends Blob {
  override slice(): Blob {
    const refused = new Blob();
    refused.arrayBuffer = () => Promise.reject(new DOMException('The requested file could not be read', 'NotReadableError'));
    return refused;
  }
}

test('a file changed in place since it was picked (same size, every byte read) is seen only by opening it again', async () => {
  const rewritten = new RewrittenBlob([bytes(2 * CHUNK_BYTES + 5)]);
  expect((await readAll(rewritten)).joined.length).toBe(2 * CHUNK_BYTES + 5);
  const err = await unchangedSincePicked(rewritten).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SourceChangedError);
  expect((err as Error).cause).toMatchObject({ name: 'NotReadableError' });
  await expect(unchangedSincePicked(new Blob([bytes(10)]))).resolves.toBeUndefined();
  await expect(unchangedSincePicked(new Blob([]))).resolves.toBeUndefined();
});

test('a read of the picked file that fails (moved, deleted, its disk gone) is refused as that file, with the cause kept', async () => {
  const gone = new Blob([bytes(3 * CHUNK_BYTES)]);
  gone.stream = () =>
    new ReadableStream({
      pull: (c) => c.error(new DOMException('A requested file could not be found', 'NotFoundError')),
    });
  const err = await readAll(gone).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SourceChangedError);
  expect((err as Error).cause).toMatchObject({ name: 'NotFoundError' });
});
