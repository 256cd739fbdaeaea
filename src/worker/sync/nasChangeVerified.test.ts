import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { deviceCopy, twoNases, verifiedRun } from '../../../test/support/cleanupRig';
import { createRaceRig } from '../../../test/support/raceRig';
import { SyncJobState } from '../../shared/state';

// A run VERIFIED on one NAS, its retention not over, when the NAS settings change: the check before its
// device copy is freed must look where the run went, never at the NAS the settings name now (it found no
// claim there and failed the run as "changed on the NAS", though its copy was whole where it went).

const servers = twoNases('embedded');

test('a run verified on a NAS of another origin keeps its device copy, is not failed, and is freed once the settings name that NAS again', async () => {
  const r = await createRaceRig(servers.nas, servers.other, { retentionHours: 1 });
  try {
    const { id, body } = await verifiedRun(r, 'verified-then-moved');
    const oldUrl = r.settings.nasUrl;
    expect((await r.api.updateSettings({ nasUrl: `${r.otherNas.proxy.origin}/dav/` })).ok).toBe(true);
    r.clock.advance(2 * 3600_000);
    await r.engine.nextTurn();
    await r.engine.nextTurn();
    let job = await r.stores.queue.getById(id);
    expect(job?.state).toBe(SyncJobState.CLEANUP_ELIGIBLE);
    expect(job?.last_error ?? '').toBe('');
    expect((await deviceCopy(r, id))?.equals(body)).toBe(true);
    const events = await r.stores.history.listEvents(id);
    expect(events.filter((e) => e.kind === 'kept').map((e) => e.detail)).toEqual([expect.stringContaining(oldUrl)]);
    expect(r.otherNas.proxy.log.filter((l) => l.includes('verified-then-moved'))).toEqual([]);

    expect((await r.api.updateSettings({ nasUrl: oldUrl })).ok).toBe(true);
    r.clock.advance(2 * 3600_000);
    for (job = await r.stores.queue.getById(id); job?.state !== SyncJobState.CLEANED; job = await r.stores.queue.getById(id)) {
      expect(job?.state).toBe(SyncJobState.CLEANUP_ELIGIBLE);
      await r.engine.nextTurn();
    }
    expect(readFileSync(join(servers.nas.davRoot, job.nas_path ?? '', 'a.csv')).equals(body)).toBe(true);
    expect(existsSync(join(r.deviceRoot, id))).toBe(false);
  } finally {
    await r.close();
  }
});

test('a run verified under another folder of the same NAS is checked there and freed', async () => {
  const r = await createRaceRig(servers.nas, servers.other, { retentionHours: 1 });
  try {
    const { id } = await verifiedRun(r, 'verified-then-path-changed');
    expect((await r.api.updateSettings({ nasUrl: `${r.nas.proxy.origin}/dav/elsewhere/` })).ok).toBe(true);
    r.clock.advance(2 * 3600_000);
    let job = await r.stores.queue.getById(id);
    while (job?.state !== SyncJobState.CLEANED) {
      expect(job?.state).not.toBe(SyncJobState.FAILED);
      await r.engine.nextTurn();
      job = await r.stores.queue.getById(id);
    }
    expect((await r.stores.history.listEvents(id)).map((e) => e.kind)).not.toContain('kept');
  } finally {
    await r.close();
  }
});
