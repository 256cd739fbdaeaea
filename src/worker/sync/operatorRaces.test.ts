import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type Held, type RaceRig, createRaceRig } from '../../../test/support/raceRig';
import { type NasServer, startNas } from '../../../test/support/nasServers';
import { formatFailure } from '../../shared/failures';
import type { SyncJobRow } from '../db/jobRows';
import type { Result } from '../errors';
import { filesKept } from '../../../test/support/deviceCopies';

// Issue #12's race matrix: each operator action at each moment of a run's way to the NAS, through the
// worker API on the same stores as a started engine, with the engine's request of that moment held open
// at a fault proxy in front of a real WebDAV server (or the engine held on the device's files). After
// the action the held request is let go and the engine goes through a turn: the job is what the operator
// made it (or the action was refused with its typed reason and the run goes on untouched), nothing more
// for the job reaches the NAS, and the engine takes new work.

type Action = 'stop' | 'record failure' | 'retry' | 'discard' | 'pause' | 'NAS change';
type Moment = 'intake' | 'MKCOL' | 'PUT' | 'between files' | 'MOVE' | 'verify GET' | 'manifest PUT' | 'reaper';

/** What the job must be after the action. */
type Outcome =
  | { kind: 'refused'; code: 'illegal-move' | 'unknown-job' }
  | { kind: 'stopped' }
  | { kind: 'failure recorded' }
  /** Back to QUEUED (or left as it was, for the reaper) with no attempt spent; goes on once sync is on again. */
  | { kind: 'paused'; state: 'queued' | 'cleanup_eligible' }
  /** The run goes to the other NAS (or, verified already, stays where it was verified) with no attempt spent. */
  | { kind: 'moved'; landsOn: 'other' | 'first' };

const REASON = 'wrong sample plate loaded';
const BY_HAND = 'instrument reported a fault';
const ACTIONS: Action[] = ['stop', 'record failure', 'retry', 'discard', 'pause', 'NAS change'];
const MOMENTS: Moment[] = ['intake', 'MKCOL', 'PUT', 'between files', 'MOVE', 'verify GET', 'manifest PUT', 'reaper'];

function outcome(action: Action, moment: Moment): Outcome {
  const inFlight = moment !== 'intake';
  if (!inFlight && ['stop', 'record failure', 'retry', 'discard'].includes(action)) return { kind: 'refused', code: 'unknown-job' };
  if (action === 'retry' || action === 'discard') return { kind: 'refused', code: 'illegal-move' };
  // A failure by hand counts an attempt and backs off in QUEUED: not a move a run cleared for its
  // device copy to be freed may make.
  if (action === 'record failure') return moment === 'reaper' ? { kind: 'refused', code: 'illegal-move' } : { kind: 'failure recorded' };
  if (action === 'stop') return { kind: 'stopped' };
  if (action === 'pause') return { kind: 'paused', state: moment === 'reaper' ? 'cleanup_eligible' : 'queued' };
  return { kind: 'moved', landsOn: moment === 'reaper' ? 'first' : 'other' };
}

let nas: NasServer;
let otherNas: NasServer;
let nasDir: string;
let rig: RaceRig | null = null;

beforeAll(async () => {
  nasDir = mkdtempSync(join(tmpdir(), 'exlab-race-nas-'));
  nas = await startNas('embedded', join(nasDir, 'one'));
  otherNas = await startNas('embedded', join(nasDir, 'two'));
});
afterAll(async () => {
  await nas.stop();
  await otherNas.stop();
  rmSync(nasDir, { recursive: true, force: true });
});
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const FILES = ['first.csv', 'second.csv'];
const sampleRun = () => FILES.map((relPath) => ({ relPath, bytes: randomBytes(3000) }));
type Run = ReturnType<typeof sampleRun>;
const asNewRun = (runName: string, run: Run) => ({
  equipmentId: 'hplc-01',
  runName,
  files: run.map((f) => ({ relPath: f.relPath, file: new Blob([f.bytes as Uint8Array<ArrayBuffer>]) })),
});
const folderOf = (runName: string) => `hplc-01/2025-06-01/${runName}`;
/** The job's requests in a proxy's log: those in its run folder or on the folder itself. */
const inFolder = (runName: string) => (line: string) => {
  const path = decodeURIComponent(line.slice(line.indexOf(' ') + 1)).replace(/\/$/, '');
  return path.includes(`/${folderOf(runName)}/`) || path.endsWith(`/${folderOf(runName)}`);
};

async function waitFor(r: RaceRig, jobId: string, what: string, ok: (j: SyncJobRow | null) => boolean): Promise<SyncJobRow | null> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const job = await r.stores.queue.getById(jobId);
    if (ok(job)) return job;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; job is ${JSON.stringify(job)}`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

async function fileSent(r: RaceRig, jobId: string, seq: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await r.stores.runFiles.listFiles(jobId)).find((f) => f.seq === seq)?.uploaded_at) {
    if (Date.now() > deadline) throw new Error(`file ${seq} of ${jobId} was never sent`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

/** Until the NAS's proxy has seen `method` on a path ending in `pathEnd`. */
async function requestSeen(r: RaceRig, method: string, pathEnd: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  const seen = () => r.nas.proxy.log.some((l) => l.startsWith(`${method} `) && decodeURIComponent(l).endsWith(pathEnd));
  while (!seen()) {
    if (Date.now() > deadline) throw new Error(`${method} …${pathEnd} never reached the NAS`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

/** Once the engine no longer works on the job, a whole turn of its loop: what it would do, it has done. */
async function settled(r: RaceRig, jobId: string): Promise<void> {
  while (r.engine.status().activeJobs.includes(jobId)) await new Promise((res) => setTimeout(res, 10));
  await r.engine.nextTurn();
}

interface Reached {
  jobId: string;
  held: Held;
  /** The addRun call still in flight (intake only). */
  intake?: Promise<Result<SyncJobRow>>;
}

/** Queue the run and stop the engine at `moment`, with nothing but the held step in flight for it. */
async function reach(r: RaceRig, moment: Moment, runName: string, run: Run): Promise<Reached> {
  const here = (method: string, test: (path: string) => boolean) => (m: string, p: string) =>
    m === method && inFolder(runName)(`${m} ${p}`) && test(p.replace(/\/$/, ''));
  if (moment === 'intake') {
    const held = r.holdFile('write', 1);
    const intake = r.api.addRun(asNewRun(runName, run));
    return { jobId: await held.arrived, held, intake };
  }
  let manifestMoved = false;
  const held =
    moment === 'between files'
      ? r.holdFile('open', 1)
      : r.holdRequest(
          {
            MKCOL: here('MKCOL', (p) => p.endsWith(folderOf(runName))),
            PUT: here('PUT', (p) => /\.exlab-part-[0-9a-f-]+-1$/.test(p)),
            MOVE: here('MOVE', (p) => /\.exlab-part-[0-9a-f-]+-1$/.test(p)),
            'verify GET': here('GET', (p) => p.endsWith('/first.csv')),
            'manifest PUT': here('PUT', (p) => p.endsWith('-manifest')),
            // The reaper's look at the folder comes after verify wrote the manifest.
            reaper: (m: string, p: string) => {
              if (m === 'MOVE' && p.endsWith('-manifest')) manifestMoved = true;
              return manifestMoved && here('PROPFIND', () => true)(m, p);
            },
          }[moment],
        );
  const added = await r.api.addRun(asNewRun(runName, run));
  if (!added.ok) throw new Error(added.error.message);
  const jobId = added.value.id;
  await held.arrived;
  // The other file's lane finishes first: then the held step is all that is in flight.
  if (['PUT', 'between files', 'MOVE'].includes(moment)) await fileSent(r, jobId, 0);
  // Verify reads the files back side by side: the other file's read-back has reached the NAS too.
  if (moment === 'verify GET') await requestSeen(r, 'GET', `${folderOf(runName)}/second.csv`);
  if (moment === 'reaper') await waitFor(r, jobId, 'CLEANUP_ELIGIBLE', (j) => j?.state === 'cleanup_eligible');
  return { jobId, held };
}

function act(r: RaceRig, action: Action, jobId: string): Promise<Result<unknown>> {
  switch (action) {
    case 'stop':
      return r.api.stopSyncing(jobId, REASON);
    case 'record failure':
      return r.api.recordFailure(jobId, { error: BY_HAND });
    case 'retry':
      return r.api.retry(jobId);
    case 'discard':
      return r.api.discard(jobId);
    case 'pause':
      return r.api.updateSettings({ paused: true });
    case 'NAS change':
      return r.api.updateSettings({ nasUrl: `${r.otherNas.proxy.origin}/dav/` });
  }
}

function expectOnNas(server: NasServer, runName: string, run: Run): void {
  for (const f of run) expect(readFileSync(join(server.davRoot, folderOf(runName), f.relPath)).equals(f.bytes)).toBe(true);
}

const deviceCopyKept = async (r: RaceRig, jobId: string) =>
  (await filesKept(r.deviceRoot, jobId, await r.stores.runFiles.listFiles(jobId))) === 2;

/** The job as the outcome says, and (where the job is off the NAS now) nothing more for it on the NAS. */
async function check(
  r: RaceRig,
  want: Outcome,
  result: Result<unknown>,
  jobId: string,
  runName: string,
  run: Run,
  since: { log: number; events: number },
) {
  const job = () => r.stores.queue.getById(jobId);
  const newRequests = () => r.nas.proxy.log.slice(since.log).filter(inFolder(runName));
  const newEvents = async () => (await r.stores.history.listEvents(jobId)).slice(since.events).map((e) => e.kind);
  if (want.kind === 'refused') {
    expect(result).toMatchObject({ ok: false, error: { code: want.code } });
    const done = await waitFor(r, jobId, 'CLEANED', (j) => j?.state === 'cleaned');
    expect(done).toMatchObject({ attempts: 0, last_error: null });
    expectOnNas(r.nas.server, runName, run);
    return;
  }
  expect(result.ok).toBe(true);
  if (want.kind === 'moved') {
    const done = await waitFor(r, jobId, 'CLEANED', (j) => j?.state === 'cleaned');
    expect(done).toMatchObject({ attempts: 0 });
    expectOnNas(want.landsOn === 'other' ? r.otherNas.server : r.nas.server, runName, run);
    // A run verified already is checked on the NAS that holds it: the check in flight may finish reading
    // it there (the new NAS has no copy to check), but nothing is written there any more.
    const after = newRequests();
    expect(want.landsOn === 'other' ? after : after.filter((l) => !/^(GET|PROPFIND) /.test(l))).toEqual([]);
    return;
  }
  await settled(r, jobId);
  expect(newRequests()).toEqual([]);
  expect(await deviceCopyKept(r, jobId)).toBe(true);
  if (want.kind === 'stopped') {
    expect(await job()).toMatchObject({ state: 'failed', attempts: 0, last_error: formatFailure('stopped_by_operator', REASON) });
    expect(await newEvents()).toEqual(['stopped']);
  } else if (want.kind === 'failure recorded') {
    const j = await job();
    expect(j).toMatchObject({ state: 'queued', attempts: 1, last_error: BY_HAND });
    expect(Date.parse(j!.next_attempt_at!)).toBeGreaterThan(r.clock.now());
    expect(await newEvents()).toEqual(['retry-scheduled']);
  } else {
    expect(await job()).toMatchObject({ state: want.state, attempts: 0 });
    expect(await newEvents()).toEqual(want.state === 'queued' && since.log ? ['interrupted'] : []);
    // Sync on again: the run goes on, still without an attempt spent.
    expect((await r.api.updateSettings({ paused: false })).ok).toBe(true);
    expect(await waitFor(r, jobId, 'CLEANED', (j) => j?.state === 'cleaned')).toMatchObject({ attempts: 0 });
    expectOnNas(r.nas.server, runName, run);
  }
}

describe('operator actions at every moment of a run (issue #12 race matrix)', () => {
  const cases = MOMENTS.flatMap((moment) => ACTIONS.map((action) => ({ moment, action })));
  test.each(cases)('$action at $moment', async ({ moment, action }) => {
    rig = await createRaceRig(nas, otherNas, { cleanupCheck: 'checksum' });
    const r = rig;
    const runName = `${moment}-${action}`.replace(/ /g, '_');
    const run = sampleRun();
    const at = await reach(r, moment, runName, run);
    const since = { log: r.nas.proxy.log.length, events: (await r.stores.history.listEvents(at.jobId)).length };
    const result = await act(r, action, at.jobId);
    await at.held.release();
    if (at.intake) {
      expect(await at.intake).toMatchObject({ ok: true, value: { id: at.jobId } });
      since.events = (await r.stores.history.listEvents(at.jobId)).length;
    }
    await check(r, outcome(action, moment), result, at.jobId, runName, run, since);

    // The engine takes new work.
    if (r.settings.paused) expect((await r.api.updateSettings({ paused: false })).ok).toBe(true);
    const next = await r.api.addRun(asNewRun(`next-${runName}`, sampleRun()));
    if (!next.ok) throw new Error(next.error.message);
    await waitFor(r, next.value.id, 'the next run CLEANED', (j) => j?.state === 'cleaned');
  });
});
