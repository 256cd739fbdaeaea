import { expect, test } from 'vitest';
import { MAX_DEVICE_NAME_CHARS, defaultDeviceName, deviceNameProblem } from './deviceName';

test('a readable default: "tablet-" and four letters', () => {
  expect(defaultDeviceName([0, 1, 2, 3])).toBe('tablet-abcd');
  expect(defaultDeviceName([255, 254, 253, 252])).toMatch(/^tablet-[a-z]{4}$/);
  expect(deviceNameProblem(defaultDeviceName([9, 9, 9, 9]))).toBeNull();
});

test('a name is refused when empty, too long or with control or invisible characters, saying what to do', () => {
  expect(deviceNameProblem('   ')).toMatch(/^Enter a name for this device/);
  expect(deviceNameProblem('x'.repeat(MAX_DEVICE_NAME_CHARS + 1))).toBe('The device name is 65 characters long; use at most 64.');
  expect(deviceNameProblem('x'.repeat(MAX_DEVICE_NAME_CHARS))).toBeNull();
  for (const bad of ['tab\u0000let', 'tab\nlet', 'tab\u202elet', 'tab\u200blet'])
    expect(deviceNameProblem(bad)).toMatch(/control or invisible/);
  expect(deviceNameProblem('  HPLC bench tablet 2 ')).toBeNull();
  expect(deviceNameProblem('Gerät 7 — Labor')).toBeNull();
});
