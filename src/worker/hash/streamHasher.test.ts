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

test('hashers are reused, never shared: streams at once, and one abandoned half-way, keep their digests', async () => {
  const sha = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');
  const a = new Uint8Array(3000).fill(1);
  const b = new Uint8Array(5000).fill(2);
  const abandoned = await createStreamHasher(10);
  await abandoned.update(new Uint8Array(700).fill(9));
  abandoned.dispose();
  const [ha, hb] = [await createStreamHasher(a.length), await createStreamHasher(b.length)];
  for (let at = 0; at < 5000; at += 1000) {
    if (at < a.length) await ha.update(a.subarray(at, at + 1000));
    await hb.update(b.subarray(at, at + 1000));
  }
  expect([await ha.digest(), await hb.digest()]).toEqual([sha(a), sha(b)]);
  const again = await createStreamHasher(a.length);
  await again.update(a);
  expect(await again.digest()).toBe(sha(a));
});
