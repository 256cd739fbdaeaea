import { expect, test } from 'vitest';
import { buildDeviceReport } from './deviceReport';
import { facts } from '../../test/support/deviceFacts';
import { type LabEntry, attentionOf, labRows } from './labOrder';

const HOUR = 3600_000;
const now = Date.parse('2026-11-28T12:00:00Z');
const healthy = { ...facts, failedTotal: 0, failedRuns: [], oldestUnsyncedAt: null, lastError: null };

function entry(name: string, change: Partial<typeof facts>, writtenAt = now): LabEntry {
  const report = buildDeviceReport({ ...healthy, deviceId: name, deviceName: name, ...change }, writtenAt);
  return { file: `${name}.json`, report, problem: null };
}

test('what needs attention: unsynced data older than a day, failures, storage over 90 %, not seen for 24 h', () => {
  expect(attentionOf(entry('ok', {}), now)).toEqual([]);
  expect(attentionOf(entry('old', { oldestUnsyncedAt: '2026-11-27T11:59:00Z' }), now)).toEqual(['unsynced-old']);
  expect(attentionOf(entry('young', { oldestUnsyncedAt: '2026-11-27T12:01:00Z' }), now)).toEqual([]);
  expect(attentionOf(entry('failing', { failedTotal: 1, failedRuns: facts.failedRuns }), now)).toEqual(['failures']);
  expect(attentionOf(entry('full', { storage: { usedBytes: 91, quotaBytes: 100, persistent: false } }), now)).toEqual(['storage-full']);
  expect(attentionOf(entry('90', { storage: { usedBytes: 90, quotaBytes: 100, persistent: false } }), now)).toEqual([]);
  expect(attentionOf(entry('gone', {}, now - 25 * HOUR), now)).toEqual(['not-seen']);
  expect(attentionOf(entry('seen', {}, now - 23 * HOUR), now)).toEqual([]);
  expect(attentionOf({ file: 'x.json', report: null, problem: 'it is not valid JSON' }, now)).toEqual(['unreadable']);
});

test('rows are ordered by what needs attention most, then by name', () => {
  const rows = labRows(
    [
      entry('b-fine', {}),
      entry('a-fine', {}),
      entry('gone', {}, now - 48 * HOUR),
      { file: 'broken.json', report: null, problem: 'it is not valid JSON' },
      entry('full', { storage: { usedBytes: 95, quotaBytes: 100, persistent: true } }),
      entry('z-failing', { failedTotal: 2 }),
      entry('a-failing', { failedTotal: 1 }),
      entry('old', { oldestUnsyncedAt: '2026-11-20T00:00:00Z', failedTotal: 3 }),
    ],
    now,
  );
  expect(rows.map((r) => r.report?.deviceName ?? r.file)).toEqual([
    'old',
    'a-failing',
    'z-failing',
    'full',
    'gone',
    'broken.json',
    'a-fine',
    'b-fine',
  ]);
  expect(rows[0].attention).toEqual(['unsynced-old', 'failures']);
});
