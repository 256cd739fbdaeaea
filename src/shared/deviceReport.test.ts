import { expect, test } from 'vitest';
import { MAX_FAILED_LISTED, buildDeviceReport, parseDeviceReport, reportContent } from './deviceReport';
import { facts } from '../../test/support/deviceFacts';

const now = Date.parse('2026-11-28T12:00:00Z');

test('the device file holds its facts, the failures in words and the age of the oldest unsynced run', () => {
  const r = buildDeviceReport(facts, now);
  expect(r).toMatchObject({
    format: 'exlab-sync-device/1',
    deviceId: 'd-1',
    deviceName: 'tablet-abcd',
    writtenAt: '2026-11-28T12:00:00.000Z',
    oldestUnsyncedAgeSeconds: 2 * 3600,
    states: { queued: { runs: 2, bytes: 2048 }, verified: { runs: 3, bytes: 9000 } },
    storage: { usedBytes: 1000, quotaBytes: 10_000, persistent: true },
  });
  expect(r.failed).toEqual({
    total: 1,
    runs: [
      {
        runName: 'run 7',
        equipmentId: 'hplc-01',
        reason: 'Wrong NAS user or password. Fix them in Settings, then Retry.',
        error: 'auth: PUT answered 401',
        at: '2026-11-28T11:00:00Z',
      },
    ],
  });
  expect(parseDeviceReport(JSON.stringify(r))).toEqual(r);
});

test('at most 50 failed runs are listed, the total is kept', () => {
  const many = Array.from({ length: 120 }, (_, i) => ({ ...facts.failedRuns[0], runName: `run ${i}` }));
  const r = buildDeviceReport({ ...facts, failedTotal: 120, failedRuns: many }, now);
  expect(r.failed.runs).toHaveLength(MAX_FAILED_LISTED);
  expect(r.failed.total).toBe(120);
});

test('only the time of writing differs between two reports of the same facts', () => {
  expect(reportContent(buildDeviceReport(facts, now))).toBe(reportContent(buildDeviceReport({ ...facts }, now + 1000 * 60)));
  expect(reportContent(buildDeviceReport(facts, now))).not.toBe(reportContent(buildDeviceReport({ ...facts, failedTotal: 2 }, now)));
});

test('a file that is not a device report says why it cannot be read', () => {
  const good = buildDeviceReport(facts, now);
  expect(parseDeviceReport('{')).toBe('it is not valid JSON');
  expect(parseDeviceReport('[]')).toMatch(/not an exlab-sync device file/);
  expect(parseDeviceReport(JSON.stringify({ ...good, deviceName: 7 }))).toBe('its "deviceName" is missing');
  expect(parseDeviceReport(JSON.stringify({ ...good, writtenAt: 'yesterday' }))).toBe('its "writtenAt" is not a time');
  expect(parseDeviceReport(JSON.stringify({ ...good, states: { queued: { runs: 1 } } }))).toMatch(/counts per state/);
  expect(parseDeviceReport(JSON.stringify({ ...good, failed: { total: 1, runs: [{ runName: 1 }] } }))).toMatch(/failed runs/);
  expect(parseDeviceReport(JSON.stringify({ ...good, storage: { usedBytes: -1 } }))).toMatch(/storage/);
  expect(parseDeviceReport(JSON.stringify({ ...good, lastError: 'x' }))).toMatch(/last error/);
});
