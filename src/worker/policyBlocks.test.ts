import { expect, test } from 'vitest';
import { createPolicyBlocks } from './policyBlocks';

test('a refusal is matched by origin, for a while', async () => {
  let now = 1_000;
  const blocks = createPolicyBlocks(() => now);
  blocks.record('http://127.0.0.1:9000', 'connect-src');
  expect(await blocks.blockedFor('http://127.0.0.1:9000/dav/')).toBe('connect-src');
  expect(await blocks.blockedFor('http://127.0.0.1:9001/dav/')).toBeNull();
  now += 61_000;
  expect(await blocks.blockedFor('http://127.0.0.1:9000/dav/')).toBeNull();
  blocks.record('inline', 'script-src');
  expect(await blocks.blockedFor('not a url')).toBeNull();
});
