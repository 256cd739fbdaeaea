import { randomBytes } from 'node:crypto';
import { afterEach, expect, test } from 'vitest';
import { createRig, type Rig } from '../../../test/support/engineRig';

// Verify reads every file of a run back. One at a time, a run of 2,000 small files waited a round trip
// per file (100 s on a 40 ms link, issue #14): the read-backs go several at once.

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

test('verify reads the files of a run back several at a time, and the run verifies', async () => {
  rig = await createRig({ verifyMode: 'checksum' });
  const job = await rig.intake(
    'many small',
    Array.from({ length: 8 }, (_, i) => ({ relPath: `well-${i}.csv`, body: new Blob([randomBytes(2000)]) })),
  );
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let held = 0;
  let twoAtOnce!: () => void;
  const sawTwo = new Promise<void>((r) => (twoAtOnce = r));
  // Every read-back of a run file waits at the proxy until a second one is asked for while it waits.
  rig.proxy.fault = (method, path) => {
    if (method !== 'GET' || !/well-\d\.csv$/.test(path)) return null;
    if (++held === 2) twoAtOnce();
    return { type: 'hold', until: gate };
  };
  rig.engine.start();
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`only ${held} read-back in flight at once`)), 10_000),
  );
  try {
    await Promise.race([sawTwo, timeout]);
  } finally {
    release();
  }
  const done = await rig.waitFor(
    job.id,
    (j) => j.state === 'verified' || j.state === 'cleaned' || j.state === 'failed',
    'the end of verify',
  );
  expect(done.state).not.toBe('failed');
  expect(done.verify_passes).toBe(1);
});
