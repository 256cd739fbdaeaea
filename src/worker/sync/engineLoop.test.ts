import { afterEach, expect, test } from 'vitest';
import { createRig, type Rig } from '../../../test/support/engineRig';

// The loop itself: it keeps to the concurrency setting from the first turn, survives an error in a turn
// and says so, and an app update's safe point really has nothing in flight.

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const intakeOne = (r: Rig, name: string) => r.intake(name, [{ relPath: 'a.txt', body: new Blob([name]) }]);

test('at start-up, AWAITING_VERIFY jobs are verified again no more at once than the concurrency allows', async () => {
  rig = await createRig({ concurrency: 1 });
  const r = rig;
  // Verify reads that never answer keep each verifying job in flight for as long as the test looks.
  r.proxy.fault = (m) => (m === 'GET' || m === 'PROPFIND' ? { type: 'hang' } : null);
  const jobs = [await intakeOne(r, 'one'), await intakeOne(r, 'two'), await intakeOne(r, 'three')];
  for (const job of jobs) await r.queue.transition(job.id, 'awaiting_verify');
  r.engine.start();
  while (!r.statuses.some((s) => s.activeJobs.length > 0)) await r.engine.nextTurn();
  await r.engine.nextTurn();
  expect(Math.max(...r.statuses.map((s) => s.activeJobs.length))).toBe(1);
});

test('an error in a turn of the loop is shown, and syncing goes on', async () => {
  rig = await createRig();
  const r = rig;
  const schedule = r.stores.schedule;
  const realDue = schedule.dueJobs.bind(schedule);
  let broken = true;
  schedule.dueJobs = async (...args) => {
    if (broken) throw new Error('disk I/O error');
    return realDue(...args);
  };
  const job = await intakeOne(r, 'after-error');
  r.engine.start();
  await r.engine.nextTurn();
  expect(r.engine.status().engineError).toMatch(/^Sync engine error: disk I\/O error; trying again in \d+ s$/);
  broken = false;
  r.engine.wake();
  await r.waitFor(job.id, (j) => j.state === 'cleaned', 'CLEANED after the loop recovered');
  expect(r.engine.status().engineError).toBeNull();
});

test('the update safe point: nothing in flight, and no job starts after it resolved', async () => {
  rig = await createRig();
  const r = rig;
  r.proxy.fault = (m) => (m === 'PUT' ? { type: 'hang' } : null);
  const first = await intakeOne(r, 'in-flight');
  r.engine.start();
  await r.waitFor(first.id, (j) => j.state === 'running', 'RUNNING');
  const held = r.engine.holdForUpdate();
  // The run in flight ends (its PUT is cut), then the safe point holds with a new run waiting.
  r.proxy.fault = () => null;
  const second = await intakeOne(r, 'waiting');
  r.engine.wake();
  await held;
  expect(r.engine.status().activeJobs).toEqual([]);
  await r.engine.nextTurn();
  expect(r.engine.status().activeJobs).toEqual([]);
  expect((await r.queue.getById(second.id))?.state).toBe('queued');
  expect(r.engine.status().waitingFor).toBe('Waiting to update the app');
});
