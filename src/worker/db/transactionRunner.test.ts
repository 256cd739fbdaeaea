import sqlite3InitModule, { type Database } from '@sqlite.org/sqlite-wasm';
import { beforeAll, expect, test } from 'vitest';
import { type Stores, createStores } from './stores';

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
