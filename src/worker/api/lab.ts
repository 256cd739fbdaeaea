// This device's identity and the Lab view: every device's file read from the NAS, or the last copy read
// when the NAS cannot be reached, with what needs attention first.
import { fail, invalidInput, ok, type Result } from '../errors';
import { deviceNameProblem } from '../../shared/deviceName';
import { labRows } from '../../shared/labOrder';
import type { DeviceIdentity, LabView } from '../contract';
import { readDevicesFolder } from '../lab/readDevices';
import { type ApiDeps, withQueue } from './deps';

export async function device(deps: ApiDeps): Promise<Result<DeviceIdentity>> {
  const identity = deps.device?.() ?? null;
  return identity ? ok(identity) : fail('not-owner', 'The device name is kept by the tab that owns the queue.');
}

/** A new name for this device; refused with what to do, changing nothing, when it cannot be used. */
export async function setDeviceName(deps: ApiDeps, name: string): Promise<Result<DeviceIdentity>> {
  const problem = typeof name === 'string' ? deviceNameProblem(name) : 'Enter a name for this device.';
  if (problem) return invalidInput({ field: 'deviceName', message: problem });
  return withQueue(deps, () => deps.renameDevice!(name.trim()));
}

/**
 * This device's file is written first (so its own row is current), then the devices folder is read. A
 * NAS that cannot be read gives the last copy read, saying since when and why; one that can be read but
 * would not take this device's file (another device's file there) says so above the rows.
 */
export async function lab(deps: ApiDeps): Promise<Result<LabView>> {
  return withQueue(deps, async (stores) => {
    const current = (await deps.publishNow?.()) ?? true;
    const now = deps.now();
    try {
      const entries = await readDevicesFolder(deps.dav(deps.settings()));
      const readAt = new Date(now).toISOString();
      await stores.labCache.put({ readAt, entries });
      const ownFileProblem = current ? null : (deps.publishProblem?.() ?? null);
      return { now: readAt, readAt, rows: labRows(entries, now), unreachable: null, ownFileProblem };
    } catch (err) {
      const copy = await stores.labCache.get();
      const unreachable = `The NAS could not be read (${err instanceof Error ? err.message : String(err)}).`;
      return {
        now: new Date(now).toISOString(),
        readAt: copy?.readAt ?? null,
        rows: labRows(copy?.entries ?? [], now),
        unreachable,
        ownFileProblem: null,
      };
    }
  });
}
