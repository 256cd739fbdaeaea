import { afterEach } from 'vitest';
import type { Result } from '../../src/worker/contract';
import { type ApiRig, createApiRig } from './apiRig';

// What the worker API tests share: a rig per test, closed after it, and small helpers.

/** Call at the top of a test file: returns a maker of API rigs that are closed after each test. */
export function apiHarness(): (nasUrl?: string) => Promise<ApiRig> {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return async (nasUrl) => {
    const rig = await createApiRig(nasUrl);
    cleanups.push(rig.close);
    return rig;
  };
}

/** The refusal a result carries; fails the test when the call succeeded. */
export function refusal<T>(result: Result<T>) {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.error;
}

/** A run of one equipment with one file per body. */
export const aRun = (runName: string, ...bodies: string[]) => ({
  equipmentId: 'hplc-01',
  runName,
  files: bodies.map((body, i) => ({ relPath: `plate/f${i}.csv`, file: new Blob([body]) })),
});
