import { expect, test } from 'vitest';
import { createPasswordVault, newSealingKey } from './passwordVault';

test('a sealed password opens with its key only, and its text is not in the sealed form', async () => {
  const key = await newSealingKey();
  const vault = createPasswordVault(async () => key);
  const sealed = await vault.seal('pip€tte-42');
  expect(sealed).not.toContain('pip');
  expect(await vault.seal('pip€tte-42')).not.toBe(sealed); // a fresh IV each time
  expect(await vault.open(sealed)).toBe('pip€tte-42');
  const other = createPasswordVault(newSealingKey);
  expect(await other.open(sealed)).toBeNull();
  expect(await vault.open('not sealed')).toBeNull();
  expect(await vault.open(sealed.slice(0, -4) + 'AAAA')).toBeNull();
});

test('the key cannot be read out', async () => {
  const key = await newSealingKey();
  expect(key.extractable).toBe(false);
  await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
});
