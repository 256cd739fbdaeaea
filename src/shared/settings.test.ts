import { expect, test } from 'vitest';
import { defaultSettings, inSyncWindow, validateSettings } from './settings';

const base = defaultSettings('http://127.0.0.1:5173');

test('the defaults are valid and point at the same origin', () => {
  expect(base.nasUrl).toBe('http://127.0.0.1:5173/dav/');
  expect(validateSettings(base)).toBeNull();
});

test('NAS URLs that are not plain http(s) folders are refused with what to do', () => {
  for (const nasUrl of [
    'javascript:alert(1)',
    'file:///etc/',
    'https://u:p@nas/dav/',
    'https://nas/dav/../x/',
    'https://nas/dav/%2e%2e/',
    'https://nas/dav/?x=1',
    'not a url',
  ]) {
    const problem = validateSettings({ ...base, nasUrl });
    expect(problem?.field, nasUrl).toBe('nasUrl');
    expect(problem?.message, nasUrl).toMatch(/NAS URL/);
  }
});

test('numbers out of range are refused', () => {
  expect(validateSettings({ ...base, concurrency: 0 })).toEqual({ field: 'concurrency', message: expect.stringMatching(/Concurrent/) });
  expect(validateSettings({ ...base, verifyPasses: 1.5 })).toEqual({
    field: 'verifyPasses',
    message: expect.stringMatching(/Verify passes/),
  });
  expect(validateSettings({ ...base, retentionHours: -1 })).toEqual({
    field: 'retentionHours',
    message: expect.stringMatching(/Retention/),
  });
});

test('the sync window, also across midnight', () => {
  expect(inSyncWindow({ ...base, syncWindow: { startHour: 8, endHour: 18 } }, 12)).toBe(true);
  expect(inSyncWindow({ ...base, syncWindow: { startHour: 8, endHour: 18 } }, 18)).toBe(false);
  expect(inSyncWindow({ ...base, syncWindow: { startHour: 22, endHour: 6 } }, 23)).toBe(true);
  expect(inSyncWindow({ ...base, syncWindow: { startHour: 22, endHour: 6 } }, 12)).toBe(false);
  expect(inSyncWindow(base, 3)).toBe(true);
});

test('each refusal names the setting at fault', () => {
  const cases: [Partial<typeof base>, string][] = [
    [{ pathTemplate: '{nope}' }, 'pathTemplate'],
    [{ verifyMode: 'md5' as 'size' }, 'verifyMode'],
    [{ historyDays: 4000 }, 'historyDays'],
    [{ syncWindow: { startHour: 8, endHour: 25 } }, 'syncWindow'],
  ];
  for (const [patch, field] of cases) expect(validateSettings({ ...base, ...patch })?.field, field).toBe(field);
});
