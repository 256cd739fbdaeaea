import { getEventListeners } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { describe, expect, test } from 'vitest';
import type { Rig } from '../../../test/support/engineRig';
import { nasTree, runHashes } from '../../../test/support/nasTree';
import { redTeamKit } from '../../../test/support/redTeamKit';
import type { ApiDeps } from '../api/deps';
import { stopSyncing as apiStopSyncing } from '../api/operatorActions';
import { createStores } from '../db/stores';
import { createDavClient } from '../webdav/client';
import { fetchUpload } from '../webdav/upload';

// Red team: each test is a way the promise (nothing lost or overwritten; the operator's word stands; offline
// never spends retries) was found to break, on real servers on 127.0.0.1. Each FAILS on the code it was written against.

const { cleanups, rigOn, ownNas, intake, decided, until } = redTeamKit();

/** What the worker API's operator actions are given; they only use the stores. */
const apiDeps = (rig: Rig) => ({ stores: () => rig.stores, engine: () => rig.engine }) as unknown as ApiDeps;

/**
 * A second HTTP hop in front of the rig's proxy that lets the NAS carry out one request, then drops the
 * connection before its answer reaches the device (Wi-Fi lost for a moment, right after the request).
 */
async function dropAnswerOnce(rig: Rig, match: (method: string, path: string) => boolean): Promise<{ dropped: () => boolean }> {
  const upstream = new URL(rig.proxy.origin);
  let dropped = false;
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const drop = !dropped && match(req.method ?? '', decodeURIComponent(path));
    if (drop) dropped = true;
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path, headers: { ...req.headers, host: upstream.host } },
      (up) => {
        if (drop) {
          up.resume();
          up.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  server.on('connection', (s) => cleanups.push(() => void s.destroy()));
  rig.settings.nasUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dav/`;
  return { dropped: () => dropped };
}

describe("the operator's word", () => {
  test("Stop syncing during the reaper's last read-back: no request for the job goes on, and the engine takes new work", async () => {
    // The production idle timeout (30 s): a NAS that takes the read-back and never answers.
    const rig = await rigOn({ retentionHours: 1, verifyMode: 'size', cleanupCheck: 'checksum' }, 'embedded', 30_000);
    const a = await intake(rig, 'run-a', [{ relPath: 'a.csv', text: 'alpha' }]);
    rig.engine.start();
    await rig.waitFor(a.id, (j) => j.state === 'verified', 'run-a VERIFIED');
    let readBackOpen = false;
    rig.proxy.fault = (m, p) => (m === 'GET' && p.endsWith('/run-a/a.csv') && (readBackOpen = true) ? { type: 'hang' } : null);
    rig.clock.advance(3_600_000);
    await until("the reaper's read-back", () => readBackOpen);
    // The operator stops the run through the API, which tells the engine to drop the job's work.
    expect((await apiStopSyncing(apiDeps(rig), a.id, 'wrong sample')).ok).toBe(true);
    const b = await intake(rig, 'run-b', [{ relPath: 'b.csv', text: 'bravo' }]);
    // Before the fix: cancel() knows only the jobs launched by the loop; the reaper runs inside the loop's turn with
    // the engine's own signal, so the turn (and all syncing) waits on the hung read-back for the idle timeout.
    await rig.waitFor(b.id, (j) => j.state === 'verified', 'run-b VERIFIED while run-a is stopped');
    expect(await rig.queue.getById(a.id)).toMatchObject({ state: 'failed', last_error: 'stopped_by_operator: wrong sample' });
  });

  test('a change of NAS mid-run puts the job back without spending an attempt, and it lands whole on the new NAS', async () => {
    const second = await ownNas('embedded');
    const rig = await rigOn({ concurrency: 1 }, 'embedded', 30_000);
    const run = [
      { relPath: 'a.csv', text: 'alpha' },
      { relPath: 'b.csv', text: 'bravo' },
    ];
    rig.proxy.fault = (m, p) => (m === 'PUT' && /-1$/.test(p) ? { type: 'hang' } : null);
    const job = await intake(rig, 'run', run);
    rig.engine.start();
    await until('a.csv on the first NAS, marked sent', async () => (await rig.stores.runFiles.listFiles(job.id))[0].uploaded_at !== null);
    const before = { ...rig.settings };
    rig.settings.nasUrl = `${second.origin}/dav/`;
    rig.engine.settingsChanged(before, rig.settings);
    const done = await decided(rig, job.id);
    // Before the fix: a.csv is still marked uploaded (to the old NAS), so it is not sent to the new one; verify
    // finds it missing and counts an attempt (verify_mismatch), 30 s of backoff for a settings change.
    expect(done).toMatchObject({ state: 'cleaned', attempts: 0 });
    expect(nasTree(join(second.davRoot, done.nas_path!))).toEqual(runHashes(run));
  });
});

describe('offline never spends retries', () => {
  test.each(['apache'] as const)(
    "on %s, the answer to a file's MOVE lost with the connection: the run ends without a spent attempt",
    async (kind) => {
      const rig = await rigOn({}, kind);
      const run = [{ relPath: 'a.csv', text: 'alpha' }];
      const drop = await dropAnswerOnce(rig, (m, p) => m === 'MOVE' && /-0$/.test(p));
      const job = await intake(rig, 'run', run);
      rig.engine.start();
      const done = await decided(rig, job.id);
      expect(drop.dropped()).toBe(true);
      // Before the fix: retryDroppedConnection sends the MOVE again "safe to repeat"; the source is gone (404), which
      // is counted as a NAS error (attempts 1, 30 s backoff) though the file is on the NAS.
      expect(done).toMatchObject({ state: 'cleaned', attempts: 0 });
      expect(nasTree(join(rig.davRoot, done.nas_path!))).toEqual(runHashes(run));
    },
  );

  test("the answer to the run folder's MKCOL lost with the connection: the run keeps its folder, no stray empty one", async () => {
    const rig = await rigOn();
    const drop = await dropAnswerOnce(rig, (m, p) => m === 'MKCOL' && p.endsWith('/run/'));
    const job = await intake(rig, 'run', [{ relPath: 'a.csv', text: 'alpha' }]);
    rig.engine.start();
    const done = await decided(rig, job.id);
    expect(drop.dropped()).toBe(true);
    // Before the fix: the MKCOL is sent again, answers 405, and the folder this very request made is taken for
    // another's: the run goes to "run (2)" and leaves an empty, unclaimed "run" that every later run skips.
    expect(done).toMatchObject({ state: 'cleaned', nas_path: 'hplc-01/2025-06-01/run' });
  });

  test('a captive portal that answers every request 200 with a login page spends no attempt', async () => {
    const rig = await rigOn();
    rig.proxy.fault = () => ({
      type: 'respond',
      status: 200,
      body: '<html><body>Log in to Guest Wi-Fi</body></html>',
      headers: { 'Content-Type': 'text/html' },
    });
    const job = await intake(rig, 'run', [{ relPath: 'a.csv', text: 'alpha' }]);
    rig.engine.start();
    const done = await rig.waitFor(job.id, (j) => j.last_error !== null || j.state === 'failed', 'the first error');
    // Before the fix: MKCOL, PUT and MOVE answered 200 are taken as done (the file marked uploaded); the claim read
    // back is HTML, "no longer this job's": nas_conflict, attempt 1, the folder released; five of these fail the run.
    expect(done).toMatchObject({ state: 'queued', attempts: 0 });
    expect(rig.engine.status().nasReachable).toBe(false);
  });
});

test("abort listeners do not pile up on the job's signal, one per file sent", async () => {
  const rig = await rigOn();
  const job = new AbortController();
  const dav = createDavClient({ baseUrl: rig.settings.nasUrl, upload: fetchUpload, signal: job.signal });
  await dav.createCollections(['many']);
  for (let i = 0; i < 20; i++) await dav.putFile(['many', `f${i}`], new Blob([`file ${i}`]));
  // Before the fix: fetchUpload (and xhrUpload in the browser) add an abort listener per PUT and never remove it.
  expect(getEventListeners(job.signal, 'abort').length).toBeLessThanOrEqual(1);
});

test('group commit: one call that fills the device fails alone; the call beside it in the batch commits', async () => {
  const db = new (await sqlite3InitModule()).oo1.DB(':memory:', 'c');
  const { queue, runFiles } = createStores(() => db, { clock: () => Date.parse('2025-01-01T00:00:00Z') });
  await queue.init();
  const job = await queue.insert({ runPath: '/runs/a', equipmentId: 'eq' });
  // No page may be added (a full OPFS); both calls arrive together, so they share one transaction.
  db.exec(`PRAGMA max_page_count = ${Number(db.selectValue('PRAGMA page_count'))}`);
  const fits = queue.transition(job.id, 'running');
  const files = Array.from({ length: 300 }, (_, i) => ({
    seq: i,
    rel_path: `plate/${'well-'.repeat(30)}${i}.csv`,
    size: 1,
    sha256: 'ab'.repeat(32),
    original_path: null,
  }));
  const [small, big] = await Promise.allSettled([
    fits,
    runFiles.insertRun({ jobId: 'big', runPath: '/runs/big', equipmentId: 'eq' }, files),
  ]);
  expect(big).toMatchObject({ status: 'rejected', reason: { name: 'DatabaseFullError' } });
  // Before the fix: SQLite rolled the whole transaction back and every call of the batch is rejected with the full
  // device's error, the one that fits included (it commits when sent alone); issue #12 point 4.
  expect(small.status).toBe('fulfilled');
  expect((await queue.getById(job.id))?.state).toBe('running');
});
