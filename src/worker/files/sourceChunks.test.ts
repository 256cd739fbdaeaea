import { expect, test, vi } from 'vitest';
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

/**
 * A picked file whose stream stops answering once it has given `answered` bytes (Chromium 156 leaves a read
 * of a picked file unanswered now and then, part-way into a big file): the first `hangs` streams opened,
 * of it or of its slices, hang so; later ones answer. Records where each stream was opened.
 */
class HangingBlob extends Blob {
  readonly openedAt: number[] = [];
  private opened = 0;
  constructor(
    private readonly data: Uint8Array<ArrayBuffer>,
    private readonly answered: number,
    private readonly hangs: number,
    private readonly at = 0,
    private readonly log: HangingBlob | null = null,
  ) {
    super([data.subarray(at)]);
  }
  override slice(start = 0): Blob {
    return new HangingBlob(this.data, this.answered, this.hangs, this.at + start, this.log ?? this);
  }
  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    const log = this.log ?? this;
    log.openedAt.push(this.at);
    const hanging = log.opened++ < this.hangs;
    const answered = this.answered;
    const inner = new Blob([this.data.subarray(this.at)]).stream().getReader({ mode: 'byob' });
    let given = 0;
    return new ReadableStream({
      type: 'bytes',
      async pull(controller) {
        const request = controller.byobRequest!;
        const view = request.view as Uint8Array<ArrayBuffer>;
        const room = hanging ? Math.min(view.length, answered - given) : view.length;
        if (room <= 0) return new Promise<void>(() => undefined); // never answers
        const step = await inner.read(new Uint8Array(room));
        if (step.done) {
          controller.close();
          request.respond(0);
          return;
        }
        view.set(step.value);
        given += step.value.length;
        request.respond(step.value.length);
      },
      cancel: () => void inner.cancel(),
    });
  }
}

async function readAllStalling(body: Blob, stallMs: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of sourceChunks(body, stallMs)) parts.push(chunk.slice());
  return Buffer.concat(parts);
}

test('a read of the picked file that never answers: the file is opened again at the chunk being read, and every byte comes once, in order', async () => {
  const data = bytes(3 * CHUNK_BYTES + 12_345);
  // The first stream gives a chunk and a bit of the next, then hangs.
  const blob = new HangingBlob(data, CHUNK_BYTES + 1000, 1);
  const read = await readAllStalling(blob, 50);
  expect(Buffer.from(read).equals(Buffer.from(data))).toBe(true);
  // Opened at 0, then again where the second chunk starts (its part already read is read again).
  expect(blob.openedAt).toEqual([0, CHUNK_BYTES]);
});

test('stalls in several chunks of one file are each got past (the reopens are counted per chunk)', async () => {
  const data = bytes(6 * CHUNK_BYTES);
  // Each of the first 4 streams opened gives its chunk and 1,000 bytes more, then hangs.
  const blob = new HangingBlob(data, CHUNK_BYTES + 1000, 4);
  const read = await readAllStalling(blob, 30);
  expect(Buffer.from(read).equals(Buffer.from(data))).toBe(true);
  expect(blob.openedAt).toEqual([0, 1, 2, 3, 4].map((c) => c * CHUNK_BYTES));
});

test('an empty piece from a plain stream is not the end of the file', async () => {
  const data = bytes(2 * CHUNK_BYTES + 5);
  const blob = new PlainStreamBlob(data);
  const stream = blob.stream.bind(blob);
  // The third read answers an empty piece, as a plain stream may.
  blob.stream = () => {
    const reader = stream().getReader();
    let reads = 0;
    return new ReadableStream({
      async pull(controller) {
        if (++reads === 3) return controller.enqueue(new Uint8Array(0));
        const step = await reader.read();
        if (step.done) controller.close();
        else controller.enqueue(step.value);
      },
    });
  };
  expect(Buffer.from((await readAll(blob)).joined).equals(Buffer.from(data))).toBe(true);
});

test('a picked file that hangs again and again is opened a few times, then waited for with no timer (intake gives up on it)', async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    const blob = new HangingBlob(bytes(2 * CHUNK_BYTES + 1), 1000, 100);
    const reading = readAllStalling(blob, 10_000);
    reading.catch(() => undefined);
    for (let opened = 1; opened <= 4; opened++) {
      await vi.waitFor(() => expect(blob.openedAt.length).toBe(opened));
      await vi.advanceTimersByTimeAsync(10_000);
    }
    // The fourth stream is waited on: no stall timer is left to open a fifth.
    expect(blob.openedAt).toEqual([0, 0, 0, 0]);
    expect(vi.getTimerCount()).toBe(0);
  } finally {
    vi.useRealTimers();
  }
});
