import sqlite3InitModule, { type Database } from '@sqlite.org/sqlite-wasm';
import { beforeAll, describe, expect, test } from 'vitest';
import { type Stores, createStores } from './stores';
import { SCHEMA_VERSION, migrate } from './schema';

let sqlite3: Awaited<ReturnType<typeof sqlite3InitModule>>;
beforeAll(async () => {
  sqlite3 = await sqlite3InitModule();
});

async function freshQueue(onCommit?: (ids: string[]) => void): Promise<Stores & { db: Database }> {
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  const stores = createStores(() => db, { clock: () => Date.parse('2025-01-01T00:00:00Z'), onCommit });
  await stores.queue.init();
  return { ...stores, db };
}

describe('where the seed has defects, SyncQueue does not', () => {
  test('overlapping transition and recordFailure calls on one job all count', async () => {
    const { queue } = await freshQueue();
    await queue.insert({ runPath: '/runs/a', equipmentId: 'eq', jobId: 'j1' });
    const calls = [];
    for (let i = 0; i < 40; i++) {
      calls.push(queue.transition('j1', 'queued', { incrementAttempts: true, incrementVerifyPasses: true }));
      calls.push(queue.recordFailure('j1', `e${i}`, { now: '2025-01-01T12:00:00Z' }));
    }
    await Promise.all(calls);
    const job = await queue.getById('j1');
    // 40 increments from transition + 40 counted failures; the seed (read, then write) loses most.
    expect(job?.attempts).toBe(80);
    expect(job?.verify_passes).toBe(40);
    expect(job?.state).toBe('failed');
  });

  test('a failed insert leaves no transaction open: the next write succeeds and is stored', async () => {
    const { queue, db } = await freshQueue();
    await queue.insert({ runPath: '/runs/a', equipmentId: 'eq', jobId: 'j1' });
    await expect(queue.insert({ runPath: '/runs/a', equipmentId: 'eq', jobId: 'j2' })).rejects.toMatchObject({
      name: 'ConstraintError',
      column: 'run_path',
    });
    expect(db.isOpen() && Number(db.selectValue('SELECT count(*) FROM jobs'))).toBe(1);
    const next = await queue.insert({ runPath: '/runs/b', equipmentId: 'eq', jobId: 'j3' });
    expect(next.id).toBe('j3');
    expect(db.selectValue("SELECT state FROM jobs WHERE id = 'j3'")).toBe('queued');
  });

  test('in one batch a refused call undoes only itself', async () => {
    const { queue } = await freshQueue();
    const results = await Promise.allSettled([
      queue.insert({ runPath: '/runs/a', equipmentId: 'eq', jobId: 'a' }),
      queue.insert({ runPath: '/runs/a', equipmentId: 'eq', jobId: 'dup' }),
      queue.transition('missing', 'running'),
      queue.insert({ runPath: '/runs/b', equipmentId: 'eq', jobId: 'b' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((await queue.listAll()).map((j) => j.id)).toEqual(['a', 'b']);
  });
});

describe('listing for the UI', () => {
  test('pages walk every job once, in enqueue order, ties in insertion order', async () => {
    let now = Date.parse('2025-01-01T00:00:00Z');
    const db = new sqlite3.oo1.DB(':memory:', 'c');
    const { queue, bulk, listing } = createStores(() => db, { clock: () => now });
    await queue.init();
    const items = Array.from({ length: 250 }, (_, i) => ({ runPath: `/runs/${i}`, equipmentId: 'eq', jobId: `j${i}` }));
    await bulk.insertMany(items.slice(0, 125));
    now += 1000;
    await bulk.insertMany(items.slice(125));
    const seen: string[] = [];
    let after = null;
    do {
      const page: Awaited<ReturnType<Stores['listing']['listPage']>> = await listing.listPage({ after, limit: 40 });
      seen.push(...page.jobs.map((j) => j.id));
      after = page.next;
    } while (after);
    expect(seen).toEqual(items.map((i) => i.jobId));
  });

  test('counts per state come from the table', async () => {
    const { queue, bulk, listing } = await freshQueue();
    await bulk.insertMany([1, 2, 3].map((i) => ({ runPath: `/r/${i}`, equipmentId: 'eq', jobId: `j${i}` })));
    await queue.transition('j2', 'running');
    await queue.recordFailure('j3', 'auth', { terminal: true });
    const counts = await listing.countByState();
    expect(counts).toMatchObject({ queued: 1, running: 1, failed: 1, verified: 0, cleaned: 0 });
  });

  test('insertMany is all or nothing', async () => {
    const { queue, bulk } = await freshQueue();
    await expect(
      bulk.insertMany([
        { runPath: '/r/1', equipmentId: 'eq' },
        { runPath: '/r/1', equipmentId: 'eq' },
      ]),
    ).rejects.toMatchObject({ name: 'ConstraintError' });
    expect(await queue.listAll()).toEqual([]);
  });
});

test('commits report the ids they changed', async () => {
  const changes: string[][] = [];
  const { queue } = await freshQueue((ids) => changes.push(ids));
  await queue.insert({ runPath: '/r/1', equipmentId: 'eq', jobId: 'a' });
  await queue.recordFailure('a', 'x');
  await queue.getById('a');
  expect(changes).toEqual([['a'], ['a']]);
});

test('migrations keep the rows of an older schema', async () => {
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  // The seed's own schema at user_version 1, with a row, as an older app version left it.
  db.exec(`CREATE TABLE jobs (id TEXT PRIMARY KEY, run_path TEXT NOT NULL UNIQUE, equipment_id TEXT NOT NULL,
    state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_attempt_at TEXT, next_attempt_at TEXT,
    last_error TEXT, verify_passes INTEGER NOT NULL DEFAULT 0, verified_at TEXT, enqueued_at TEXT NOT NULL, nas_path TEXT);
    INSERT INTO jobs (id, run_path, equipment_id, state, enqueued_at) VALUES ('old', '/runs/old', 'eq', 'running', '2024-01-01T00:00:00Z');
    PRAGMA user_version = 1;`);
  const { queue } = createStores(() => db);
  await queue.init();
  expect(db.selectValue('PRAGMA user_version')).toBe(SCHEMA_VERSION);
  expect(await queue.getById('old')).toMatchObject({ run_path: '/runs/old', state: 'queued' });
  migrate(db);
  expect(Number(db.selectValue('SELECT count(*) FROM jobs'))).toBe(1);
});

test('migration 6 fills verified_on from a saved NAS URL, and a saved value it cannot read does not stop the database opening', async () => {
  for (const [saved, filled] of [
    [JSON.stringify('https://nas.lab/dav/'), 'https://nas.lab/dav/'],
    ['not json', null],
    ['42', null],
  ] as const) {
    const { db, queue, claims } = await freshQueue();
    await queue.insert({ runPath: '/r/v', equipmentId: 'eq', jobId: 'v' });
    await claims.ensure('v');
    db.exec(`UPDATE jobs SET state = 'cleanup_eligible' WHERE id = 'v'; PRAGMA user_version = 5;`);
    db.exec({ sql: 'INSERT INTO settings (key, value) VALUES (?, ?)', bind: ['nasUrl', saved] });
    migrate(db);
    expect(db.selectValue('PRAGMA user_version')).toBe(SCHEMA_VERSION);
    expect((await claims.get('v'))?.verifiedOn ?? null).toBe(filled);
  }
});

describe("the Queue view's window onto the list", () => {
  async function queueOf(n: number) {
    const stores = await freshQueue();
    await stores.bulk.insertMany(
      Array.from({ length: n }, (_, i) => ({ runPath: `/runs/r_${i}%`, equipmentId: `eq-${i % 3}`, jobId: `j${i}` })),
    );
    return stores;
  }

  test("any window, newest first, with the filter's total", async () => {
    const { listing } = await queueOf(1_000);
    const first = await listing.listRange({}, 0, 5);
    expect(first.total).toBe(1_000);
    expect(first.jobs.map((j) => j.id)).toEqual(['j999', 'j998', 'j997', 'j996', 'j995']);
    const last = await listing.listRange({}, 998, 5);
    expect(last.jobs.map((j) => j.id)).toEqual(['j1', 'j0']);
  });

  test('state, equipment and search combine; % and _ in a search are plain characters', async () => {
    const { queue, listing } = await queueOf(30);
    await queue.recordFailure('j4', 'auth: 401', { terminal: true });
    await queue.recordFailure('j5', 'auth: 401', { terminal: true });
    expect((await listing.listRange({ state: 'failed' }, 0, 10)).jobs.map((j) => j.id)).toEqual(['j5', 'j4']);
    expect((await listing.listRange({ state: 'failed', equipmentId: 'eq-1' }, 0, 10)).jobs.map((j) => j.id)).toEqual(['j4']);
    expect((await listing.listRange({ equipmentId: 'eq-0' }, 0, 100)).total).toBe(10);
    // "r_1" as a LIKE pattern would also match "rx1"; "%" would match everything.
    expect((await listing.listRange({ search: 'r_1' }, 0, 100)).jobs.map((j) => j.id).sort()).toEqual(
      ['j1', 'j10', 'j11', 'j12', 'j13', 'j14', 'j15', 'j16', 'j17', 'j18', 'j19'].sort(),
    );
    expect((await listing.listRange({ search: '7%' }, 0, 100)).jobs.map((j) => j.id).sort()).toEqual(['j17', 'j27', 'j7'].sort());
    expect(await listing.equipmentIds()).toEqual(['eq-0', 'eq-1', 'eq-2']);
  });

  test('Retry all re-queues every failed job in one transaction and logs it per job', async () => {
    const { queue, bulk, listing, history } = await queueOf(6);
    for (const id of ['j1', 'j3', 'j5']) await queue.recordFailure(id, 'nas_full: 507', { terminal: true });
    const back = await bulk.resetAllFailed();
    expect(back.map((j) => j.id).sort()).toEqual(['j1', 'j3', 'j5']);
    expect(back.every((j) => j.state === 'queued' && j.attempts === 0 && j.last_error === null)).toBe(true);
    expect((await listing.countByState()).failed).toBe(0);
    expect((await history.listEvents('j3')).map((e) => e.kind)).toEqual(['retried']);
  });
});

test('a failure and its history line are one write: both or neither', async () => {
  const { queue, history } = await freshQueue();
  await queue.insert({ runPath: '/runs/a', equipmentId: 'eq', jobId: 'j1' });
  await queue.recordFailure('j1', 'nas_full: 507', { event: { detail: 'nas_full: 507' } });
  await queue.recordFailure('j1', 'auth: 401', { terminal: true, event: { detail: 'auth: 401' } });
  await expect(
    queue.recordFailure('j1', 'x', { event: { detail: 'x' } }, () => {
      throw new Error('refused');
    }),
  ).rejects.toThrow('refused');
  expect((await history.listEvents('j1')).map((e) => [e.kind, e.detail])).toEqual([
    ['retry-scheduled', 'nas_full: 507'],
    ['failed', 'auth: 401'],
  ]);
});

describe('start-up asks about the run folders on the device, not about every job', () => {
  test('knownJobIds names the folders that have a job, and no other', async () => {
    const { queue, runFiles } = await freshQueue();
    for (let i = 0; i < 50; i++) await queue.insert({ runPath: `/runs/${i}`, equipmentId: 'eq', jobId: `j${i}` });
    expect(await runFiles.knownJobIds(['j3', 'left-by-a-crash', 'j49'])).toEqual(new Set(['j3', 'j49']));
    expect(await runFiles.knownJobIds([])).toEqual(new Set());
  });
});
