import type { DeviceFacts } from '../../src/shared/deviceReport';
import { ALL_STATES } from '../../src/shared/state';

// A device's facts as the worker gathers them, for the tests of the device file and the Lab view's order.

const states = Object.fromEntries(ALL_STATES.map((s) => [s, { runs: 0, bytes: 0 }])) as DeviceFacts['states'];
export const facts: DeviceFacts = {
  deviceId: 'd-1',
  deviceName: 'tablet-abcd',
  appVersion: '0.1.0',
  lastSyncAt: '2026-11-28T09:00:00Z',
  states: { ...states, queued: { runs: 2, bytes: 2048 }, failed: { runs: 1, bytes: 10 }, verified: { runs: 3, bytes: 9000 } },
  oldestUnsyncedAt: '2026-11-28T10:00:00Z',
  failedTotal: 1,
  failedRuns: [{ runName: 'run 7', equipmentId: 'hplc-01', lastError: 'auth: PUT answered 401', at: '2026-11-28T11:00:00Z' }],
  storage: { usedBytes: 1000, quotaBytes: 10_000, persistent: true },
  lastError: { message: 'auth: PUT answered 401', at: '2026-11-28T11:00:00Z' },
};
