import sqlite3InitModule, { type Database } from '@sqlite.org/sqlite-wasm';
import { beforeAll, expect, test } from 'vitest';
import { type Stores, createStores } from './stores';
import { TransactionRunner } from './transactionRunner';

let sqlite3: Awaited<ReturnType<typeof sqlite3InitModule>>;
beforeAll(async () => {
  sqlite3 = await sqlite3InitModule();
});

async function freshStores(): Promise<Stores & { db: Database }> {
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  const stores = createStores(() => db, { clock: () => Date.parse('2025-01-01T00:00:00Z') });
  await stores.queue.init();
  return { ...stores, db };
}

const file = (seq: number, relPath: string) => ({ seq, rel_path: relPath, size: 10, sha256: 'ab'.repeat(32) });

test('a run, its files and its history line commit together, or none of them', async () => {
  const { queue, runFiles, history } = await freshStores();
  await expect(
    runFiles.insertRun({ jobId: 'j1', runPath: '/runs/a', equipmentId: 'eq' }, [file(0, 'a.csv'), file(1, 'a.csv')]),
  ).rejects.toMatchObject({ name: 'ConstraintError' });
  expect(await queue.getById('j1')).toBeNull();
  expect(await runFiles.listFiles('j1')).toEqual([]);
  expect(await history.listEvents('j1')).toEqual([]);

  await runFiles.insertRun({ jobId: 'j1', runPath: '/runs/a', equipmentId: 'eq' }, [file(0, 'a.csv'), file(1, 'b.csv')]);
  expect((await runFiles.listFiles('j1')).map((f) => f.rel_path)).toEqual(['a.csv', 'b.csv']);
  expect((await history.listEvents('j1')).map((e) => [e.kind, e.detail])).toEqual([['enqueued', '2 files']]);
});

test('deleting a job takes its files and its history with it', async () => {
  const { queue, runFiles, history } = await freshStores();
  await runFiles.insertRun({ jobId: 'j1', runPath: '/runs/a', equipmentId: 'eq' }, [file(0, 'a.csv')]);
  await queue.delete('j1');
  expect(await runFiles.listFiles('j1')).toEqual([]);
  expect(await history.listEvents('j1')).toEqual([]);
});

test('a full device is refused as DatabaseFullError, and the write leaves nothing behind', async () => {
  const { db, queue, runFiles } = await freshStores();
  // No page may be added: the next write that needs one gets SQLITE_FULL, as on a full OPFS.
  db.exec(`PRAGMA max_page_count = ${Number(db.selectValue('PRAGMA page_count'))}`);
  const files = Array.from({ length: 200 }, (_, i) => file(i, `plate/${'well-'.repeat(20)}${i}.csv`));
  await expect(runFiles.insertRun({ jobId: 'j1', runPath: '/runs/a', equipmentId: 'eq' }, files)).rejects.toMatchObject({
    name: 'DatabaseFullError',
    message: 'The device storage is full; free some space, then try again.',
  });
  expect(await queue.getById('j1')).toBeNull();
});

test('any other SQLite refusal is a DatabaseError with its result code', async () => {
  const { db, queue } = await freshStores();
  db.exec('PRAGMA query_only = 1');
  await expect(queue.insert({ runPath: '/runs/a', equipmentId: 'eq' })).rejects.toMatchObject({
    name: 'DatabaseError',
    resultCode: 8, // SQLITE_READONLY
  });
});

test('on a full device the call that does not fit is refused, and the calls of its batch that fit commit', async () => {
  const { db, queue, runFiles, history } = await freshStores();
  db.exec(`PRAGMA max_page_count = ${Number(db.selectValue('PRAGMA page_count'))}`);
  const big = Array.from({ length: 200 }, (_, i) => file(i, `plate/${'well-'.repeat(20)}${i}.csv`));
  // Issued in one turn, so they share one transaction: SQLite rolls all of it back when the big run
  // finds no room (checked: ROLLBACK TO then says "no such savepoint").
  const calls = await Promise.allSettled([
    runFiles.insertRun({ jobId: 'small-1', runPath: '/runs/s1', equipmentId: 'eq' }, [file(0, 'a.csv')]),
    runFiles.insertRun({ jobId: 'big', runPath: '/runs/big', equipmentId: 'eq' }, big),
    runFiles.insertRun({ jobId: 'small-2', runPath: '/runs/s2', equipmentId: 'eq' }, [file(0, 'b.csv')]),
    queue.insert({ jobId: 'small-3', runPath: '/runs/s3', equipmentId: 'eq' }),
  ]);
  expect(calls.map((c) => c.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  expect((calls[1] as PromiseRejectedResult).reason).toMatchObject({ name: 'DatabaseFullError' });
  expect((await queue.listAll()).map((j) => j.id).sort()).toEqual(['small-1', 'small-2', 'small-3']);
  expect((await runFiles.listFiles('small-2')).map((f) => f.rel_path)).toEqual(['b.csv']);
  expect(await history.listEvents('small-1')).toMatchObject([{ kind: 'enqueued', detail: '1 files' }]);
  expect(await runFiles.listFiles('big')).toEqual([]);
  expect(await history.listEvents('big')).toEqual([]);
});

test('when the COMMIT itself is refused, each call of the batch runs again alone and those that can commit do', async () => {
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  const runner = new TransactionRunner(() => db);
  await runner.open();
  // A deferred foreign key is checked at COMMIT only: the one real way to have SQLite refuse a COMMIT
  // in memory, as a full device can refuse the WAL append of a COMMIT on OPFS.
  db.exec(
    'PRAGMA foreign_keys = ON; CREATE TABLE parent (id TEXT PRIMARY KEY); CREATE TABLE child (p TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)',
  );
  const insert = (sql: string) => runner.write([], (d) => void d.exec(sql));
  const calls = await Promise.allSettled([
    insert("INSERT INTO parent VALUES ('a')"),
    insert("INSERT INTO child VALUES ('nobody')"),
    insert("INSERT INTO child VALUES ('a')"),
  ]);
  expect(calls.map((c) => c.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((calls[1] as PromiseRejectedResult).reason).toMatchObject({ name: 'ConstraintError' });
  expect(db.selectValues('SELECT p FROM child')).toEqual(['a']);
  expect(db.selectValues('SELECT id FROM parent')).toEqual(['a']);
});
