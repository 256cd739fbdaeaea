import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createRaceRig } from '../../../test/support/raceRig';
import { type NasServer, startNas } from '../../../test/support/nasServers';

// A run VERIFIED on one NAS, its retention not over, when the NAS settings change to another NAS: the
// check before its device copy is freed reads the NEW NAS, finds no claim there, and the run ends FAILED
// (nas_copy_changed: "the claim ... is no longer this job's"), though its copy is whole where it went.

let dir: string;
let nas: NasServer;
let other: NasServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'exlab-naschange-'));
  nas = await startNas('embedded', join(dir, 'one'));
  other = await startNas('embedded', join(dir, 'two'));
});
afterAll(async () => {
  await nas.stop();
  await other.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a run verified on the old NAS does not fail as changed on the NAS when the settings name a new NAS', async () => {
  const r = await createRaceRig(nas, other, { retentionHours: 1 });
  try {
    const added = await r.api.addRun({ equipmentId: 'hplc-01', runName: 'verified-then-moved', files: [{ relPath: 'a.csv', file: new Blob([randomBytes(2000)]) }] });
    if (!added.ok) throw new Error(added.error.message);
    const id = added.value.id;
    for (let j = await r.stores.queue.getById(id); j?.state !== 'verified'; j = await r.stores.queue.getById(id)) await new Promise((res) => setTimeout(res, 10));
    expect((await r.api.updateSettings({ nasUrl: `${r.otherNas.proxy.origin}/dav/` })).ok).toBe(true);
    r.clock.advance(2 * 3600_000);
    await r.engine.nextTurn();
    await r.engine.nextTurn();
    const job = await r.stores.queue.getById(id);
    expect(job?.last_error ?? '').not.toMatch(/^nas_copy_changed/);
    expect(job?.state).not.toBe('failed');
  } finally {
    await r.close();
  }
});
