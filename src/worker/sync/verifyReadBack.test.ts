import { randomBytes } from 'node:crypto';
import { afterEach, expect, test } from 'vitest';
import { createRig, type Rig } from '../../../test/support/engineRig';

// Verify (and, when the settings ask, the last look before a device copy is freed) reads every file of a run back. One at a time, a run of 2,000 small files waited a round trip
// per file (100 s on a 40 ms link, issue #14): the read-backs go several at once.

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

/** Every read-back of a run file waits at the proxy until a second one is asked for while it waits. */
async function sawTwoReadBacksAtOnce(r: Rig): Promise<void> {
  let release!: () => void;
  const gate = new Promise<void>((res) => (release = res));
  let held = 0;
  let twoAtOnce!: () => void;
  const sawTwo = new Promise<void>((res) => (twoAtOnce = res));
  r.proxy.fault = (method, path) => {
    if (method !== 'GET' || !/well-\d\.csv$/.test(path)) return null;
    if (++held === 2) twoAtOnce();
    return { type: 'hold', until: gate };
  };
  r.engine.start();
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`only ${held} read-back in flight at once`)), 10_000),
  );
  try {
    await Promise.race([sawTwo, timeout]);
  } finally {
    release();
  }
}

test('the last look before freeing a device copy reads the files back several at a time, and frees it', async () => {
  rig = await createRig({ verifyMode: 'size', cleanupCheck: 'checksum', retentionHours: 0 });
  const job = await rig.intake(
    'many small, freed',
    Array.from({ length: 8 }, (_, i) => ({ relPath: `well-${i}.csv`, body: new Blob([randomBytes(2000)]) })),
  );
  await sawTwoReadBacksAtOnce(rig);
  const done = await rig.waitFor(job.id, (j) => j.state === 'cleaned' || j.state === 'failed', 'the device copy freed');
  expect(done.state).toBe('cleaned');
});

test('verify reads the files of a run back several at a time, and the run verifies', async () => {
  rig = await createRig({ verifyMode: 'checksum' });
  const job = await rig.intake(
    'many small',
    Array.from({ length: 8 }, (_, i) => ({ relPath: `well-${i}.csv`, body: new Blob([randomBytes(2000)]) })),
  );
  await sawTwoReadBacksAtOnce(rig);
  const done = await rig.waitFor(
    job.id,
    (j) => j.state === 'verified' || j.state === 'cleaned' || j.state === 'failed',
    'the end of verify',
  );
  expect(done.state).not.toBe('failed');
  expect(done.verify_passes).toBe(1);
});
