import { createEffect, createSignal } from 'solid-js';
import type { DeviceIdentity, LabView, Ownership, Result } from '../../worker/contract';
import { api } from '../worker';

export interface DeviceStore {
  /** This device's id and name, once the worker that owns the queue has said. */
  identity: () => DeviceIdentity | null;
  /** Rename this device; refused with what to do when the name cannot be used. */
  rename(name: string): Promise<Result<DeviceIdentity>>;
  /** Every device's state from the NAS (or the last copy read, when the NAS cannot be reached). */
  lab(): Promise<Result<LabView>>;
}

/** This device's identity and the Lab view's reading, asked of the worker that owns the queue. */
export function createDeviceStore(ownership: () => Ownership): DeviceStore {
  const [identity, setIdentity] = createSignal<DeviceIdentity | null>(null);
  createEffect(() => {
    if (ownership().status === 'owner') void api.device().then((r) => r.ok && setIdentity(r.value));
  });
  return {
    identity,
    async rename(name) {
      const res = await api.setDeviceName(name);
      if (res.ok) setIdentity(res.value);
      return res;
    },
    lab: () => api.lab(),
  };
}
