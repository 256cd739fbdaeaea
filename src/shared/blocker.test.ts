import { describe, expect, test } from 'vitest';
import { type Blocker, type BlockerInputs, syncBlocker, waitingWords } from './blocker';
import { defaultSettings } from './settings';

const clear: BlockerInputs = {
  held: false,
  settings: defaultSettings('https://lab.example'),
  online: true,
  metered: false,
  localHour: 12,
  nasReachable: true,
};
const s = clear.settings;

describe('syncBlocker: the first reason in order keeps the engine from starting work', () => {
  const cases: [string, Partial<BlockerInputs>, Blocker | null][] = [
    ['nothing in the way', {}, null],
    ['the NAS not tried yet', { nasReachable: null }, null],
    ['an update waiting', { held: true }, 'update'],
    ['an update waiting, paused and offline too', { held: true, settings: { ...s, paused: true }, online: false }, 'update'],
    ['paused', { settings: { ...s, paused: true } }, 'paused'],
    ['paused and offline', { settings: { ...s, paused: true }, online: false }, 'paused'],
    ['offline', { online: false }, 'offline'],
    ['offline and outside the window', { online: false, settings: { ...s, syncWindow: { startHour: 22, endHour: 6 } } }, 'offline'],
    ['outside the window', { settings: { ...s, syncWindow: { startHour: 22, endHour: 6 } } }, 'window'],
    ['inside a window that wraps midnight', { settings: { ...s, syncWindow: { startHour: 22, endHour: 6 } }, localHour: 23 }, null],
    ['metered, told to pause on it', { settings: { ...s, pauseOnMetered: true }, metered: true }, 'metered'],
    ['metered, not told to pause on it', { metered: true }, null],
    ['told to pause on metered, not metered', { settings: { ...s, pauseOnMetered: true } }, null],
    ['metered and the NAS away', { settings: { ...s, pauseOnMetered: true }, metered: true, nasReachable: false }, 'metered'],
    ['the NAS away', { nasReachable: false }, 'nas'],
  ];
  for (const [what, change, expected] of cases) {
    test(`${what}: ${expected ?? 'nothing'}`, () => {
      expect(syncBlocker({ ...clear, ...change })).toBe(expected);
    });
  }
});

test.each([
  ['update', 'Waiting to update the app'],
  ['paused', 'Syncing is paused'],
  ['offline', 'The device is offline'],
  ['window', 'Waiting for the sync window 22:00–06:00'],
  ['metered', 'Paused: metered connection'],
  ['nas', 'The NAS does not answer'],
  [null, null],
] as [Blocker | null, string | null][])('waitingWords(%s) is %s', (blocker, words) => {
  expect(waitingWords(blocker, { syncWindow: { startHour: 22, endHour: 6 } })).toBe(words);
});

test('the sync window is said with its hours, two digits each', () => {
  expect(waitingWords('window', { syncWindow: { startHour: 9, endHour: 17 } })).toBe('Waiting for the sync window 09:00–17:00');
  expect(waitingWords('window', { syncWindow: { startHour: 0, endHour: 24 } })).toBe('Waiting for the sync window 00:00–24:00');
});
