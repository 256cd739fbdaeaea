import { createHash } from 'node:crypto';
import { expect, test } from 'vitest';
import { createStreamHasher } from './streamHasher';

// Where there are no workers (Node) or the stream is small, the hash is computed in this thread; the
// digest is Node's SHA-256 of the same bytes. (The hash worker is tested in Chromium: *.browser.test.ts.)

test('small and big streams hashed here give the SHA-256 Node gives', async () => {
  for (const size of [0, 1, 5 * 1024 * 1024 + 3]) {
    const data = new Uint8Array(size).map((_, i) => (i * 13) & 0xff);
    const hasher = await createStreamHasher(size);
    for (let at = 0; at < size; at += 1_000_000) await hasher.update(data.subarray(at, at + 1_000_000));
    expect(await hasher.digest()).toBe(createHash('sha256').update(data).digest('hex'));
  }
});
