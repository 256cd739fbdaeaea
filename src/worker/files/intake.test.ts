import { createHash, randomBytes } from 'node:crypto';
import { existsSync, openAsBlob, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createRig, type Rig } from '../../../test/support/engineRig';
import { CHUNK_BYTES } from './sourceChunks';
import { deviceCopies } from '../../../test/support/deviceCopies';
import { createNodeFileStore } from '../../../test/support/nodeFileStore';
import { intakeRun } from './intake';
import type { FileStore } from './store';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

// Intake against the Node file store and the real WASM SQLite of the engine's rig: a refused run leaves
// no job and no file behind.

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

test('intake refuses a run that does not fit, naming the sizes, and keeps nothing', async () => {
  rig = await createRig();
  await expect(rig.intake('r', [{ relPath: 'big.bin', body: new Blob([new Uint8Array(5_000_000)]) }], 1_000_000)).rejects.toThrow(
    'The run needs 5.0 MB but the device has 1.0 MB free; free some space (or let verified runs be cleaned up), then try again.',
  );
  expect(await rig.queue.listAll()).toEqual([]);
  expect(readdirSync(rig.localRoot)).toEqual([]);
});

test('intake refuses a path that leaves the run, and keeps nothing of it', async () => {
  rig = await createRig();
  await expect(
    rig.intake('r', [
      { relPath: 'ok.txt', body: new Blob(['a']) },
      { relPath: '../escape.txt', body: new Blob(['b']) },
    ]),
  ).rejects.toThrow(/outside its run/);
  expect(await rig.queue.listAll()).toEqual([]);
  expect(readdirSync(rig.localRoot)).toEqual([]);
});

test('a file that cannot be read while others are being written: the run is refused whole, nothing kept', async () => {
  rig = await createRig();
  const gone = join(rig.localRoot, '..', 'gone.bin');
  writeFileSync(gone, new Uint8Array(1000));
  const unreadable = await openAsBlob(gone);
  rmSync(gone);
  const files = Array.from({ length: 12 }, (_, i) => ({ relPath: `f${i}.bin`, body: new Blob([new Uint8Array(200_000).fill(i)]) }));
  files.splice(5, 0, { relPath: 'gone.bin', body: unreadable });
  await expect(rig.intake('r', files)).rejects.toThrow(/^"gone.bin" changed after it was picked, or could no longer be read/);
  expect(await rig.queue.listAll()).toEqual([]);
  expect(existsSync(rig.localRoot) ? readdirSync(rig.localRoot) : []).toEqual([]);
});

test('a picked file rewritten in place while the run was copied (every byte read, same size) is refused by name, nothing kept', async () => {
  rig = await createRig();
  // Chromium reads such a file to its end with no error and refuses only the next open of it.
  const rewritten = new Blob([new Uint8Array(300_000).fill(7)]);
  rewritten.slice = () => {
    const refused = new Blob();
    refused.arrayBuffer = () => Promise.reject(new DOMException('The requested file could not be read', 'NotReadableError'));
    return refused;
  };
  const files = Array.from({ length: 12 }, (_, i) => ({ relPath: `f${i}.bin`, body: new Blob([new Uint8Array(200_000).fill(i)]) }));
  files.splice(3, 0, { relPath: 'plate/rewritten.bin', body: rewritten });
  await expect(rig.intake('r', files)).rejects.toThrow(/^"plate\/rewritten.bin" changed after it was picked/);
  expect(await rig.queue.listAll()).toEqual([]);
  expect(existsSync(rig.localRoot) ? readdirSync(rig.localRoot) : []).toEqual([]);
});

/** A picked file that stops answering half-way (a share that went away): its stream never ends. */
class StalledFile extends Blob {
  constructor() {
    super([new Uint8Array(CHUNK_BYTES + 1)]);
  }
  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    let sent = false;
    return new ReadableStream({
      pull(controller) {
        if (!sent) controller.enqueue(new Uint8Array(1000));
        sent = true;
        return new Promise(() => undefined);
      },
    });
  }
}

test('a picked file that stops answering: intake gives up with what to do, queues nothing, keeps nothing', async () => {
  rig = await createRig();
  const files = [
    { relPath: 'a.csv', body: new Blob(['alpha']) },
    { relPath: 'stalled.bin', body: new StalledFile() },
  ];
  // Before: intake waited for that file for good, and the page said "Copying onto this device" for good.
  await expect(rig.intake('r', files, null, 1000)).rejects.toThrow(/nothing could be read or written for 1 s.*queue the run again/);
  expect(await rig.queue.listAll()).toEqual([]);
  expect(existsSync(rig.localRoot) ? readdirSync(rig.localRoot) : []).toEqual([]);
});

/** A picked file on a share that stops answering for a while, then answers again (its stream resumes). */
class ResumingFile extends Blob {
  readonly resume: () => void;
  /** How its stream ended: read to its end, or given up by the reader. */
  readonly ended: Promise<'read to the end' | 'given up'>;
  private readonly gate: Promise<void>;
  private onEnd: (how: 'read to the end' | 'given up') => void = () => undefined;
  constructor() {
    super([new Uint8Array(2 * CHUNK_BYTES)]);
    let open = () => undefined as void;
    this.gate = new Promise<void>((r) => (open = r));
    this.resume = open;
    this.ended = new Promise((r) => (this.onEnd = r));
  }
  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    let sent = 0;
    const { gate, onEnd } = this;
    return new ReadableStream({
      async pull(controller) {
        if (sent >= 1000) await gate;
        if (sent >= 2 * CHUNK_BYTES) {
          onEnd('read to the end');
          return controller.close();
        }
        const n = sent === 0 ? 1000 : Math.min(CHUNK_BYTES, 2 * CHUNK_BYTES - sent);
        controller.enqueue(new Uint8Array(n));
        sent += n;
      },
      cancel: () => onEnd('given up'),
    });
  }
}

test('a copy that stalled and wakes up after intake gave up stops, and leaves nothing on the device', async () => {
  const r = (rig = await createRig());
  const resuming = new ResumingFile();
  const files = [
    { relPath: 'a.csv', body: new Blob(['alpha']) },
    { relPath: 'slow.bin', body: resuming },
    ...Array.from({ length: 5 }, (_, i) => ({ relPath: `later-${i}.bin`, body: new Blob([new Uint8Array(100_000)]) })),
  ];
  await expect(r.intake('r', files, null, 500)).rejects.toThrow(/nothing could be read or written/);
  // Before: the copy went on once the share answered, wrote the rest of the run into the job's folder
  // again, and left it there (until the next start's sweep), taking the device's space.
  resuming.resume();
  expect(await resuming.ended).toBe('given up');
  await expect.poll(() => (existsSync(r.localRoot) ? readdirSync(r.localRoot) : []), { timeout: 5000 }).toEqual([]);
  expect(await r.queue.listAll()).toEqual([]);
});

test('a copy that stalled and wakes up while a retry of the same run is being kept: the retry keeps its files and its job', async () => {
  const r = (rig = await createRig());
  const resuming = new ResumingFile();
  const later = Array.from({ length: 5 }, (_, i) => ({ relPath: `later-${i}.bin`, body: new Blob([new Uint8Array(100_000).fill(i)]) }));
  await expect(r.intake('r', [{ relPath: 'slow.bin', body: resuming }, ...later], null, 500)).rejects.toThrow(/nothing could be read/);
  // The technician queues the same run again (the same names, the same NAS folder planned) at once.
  const retry = await r.intake('r', [{ relPath: 'slow.bin', body: new Blob([new Uint8Array(2 * CHUNK_BYTES).fill(9)]) }, ...later]);
  const stored = await r.stores.runFiles.listFiles(retry.id);
  const retryFiles = async () => (await deviceCopies(r.localRoot, retry.id, stored)).map((b) => b?.length ?? null);
  const sizes = [2 * CHUNK_BYTES, ...later.map(() => 100_000)];
  expect(await retryFiles()).toEqual(sizes);
  // Then the first copy wakes up: it stops, and what it deletes is its own folder only.
  resuming.resume();
  expect(await resuming.ended).toBe('given up');
  await expect.poll(() => readdirSync(r.localRoot), { timeout: 5000 }).toEqual([retry.id]);
  expect(await retryFiles()).toEqual(sizes);
  expect((await r.queue.listAll()).map((j) => j.id)).toEqual([retry.id]);
  expect(stored.map((f) => [f.rel_path, f.size])).toEqual([['slow.bin', 2 * CHUNK_BYTES], ...later.map((f) => [f.relPath, 100_000])]);
});

// Small files go into the run's pack side by side (a read of each picked file is a round trip to the
// browser process); a file of its own opens an OPFS file, and those stay one at a time (intake.ts).
test('small files are taken in several at once, files of their own one at a time; every byte lands where its row says', async () => {
  rig = await createRig({ paused: true });
  const store = createNodeFileStore(rig.localRoot);
  const inFlight = { appends: 0, writes: 0, maxAppends: 0, maxWrites: 0 };
  const counted = async <T>(kind: 'appends' | 'writes', work: () => Promise<T>): Promise<T> => {
    const max = kind === 'appends' ? 'maxAppends' : 'maxWrites';
    inFlight[kind]++;
    inFlight[max] = Math.max(inFlight[max], inFlight[kind]);
    try {
      return await work();
    } finally {
      inFlight[kind]--;
    }
  };
  const files: FileStore = {
    ...store,
    write: (jobId, seq, body, onProgress) => counted('writes', () => store.write(jobId, seq, body, onProgress)),
    openPack: async (jobId) => {
      const pack = await store.openPack(jobId);
      return { ...pack, append: (seq, body, onProgress) => counted('appends', () => pack.append(seq, body, onProgress)) };
    },
  };
  const picked = Array.from({ length: 40 }, (_, i) => ({
    relPath: `f${i}.bin`,
    bytes: randomBytes(i % 10 === 3 ? CHUNK_BYTES + 1000 * i : 1000 + 37 * i),
  }));
  const job = await intakeRun(
    { runFiles: rig.stores.runFiles, files, settings: rig.settings, now: rig.clock.now(), freeBytes: async () => null },
    {
      equipmentId: 'hplc-01',
      runName: 'mixed',
      files: picked.map((f) => ({ relPath: f.relPath, body: new Blob([new Uint8Array(f.bytes)]) })),
    },
  );
  expect(inFlight.maxWrites).toBe(1);
  expect(inFlight.maxAppends).toBeGreaterThan(1);
  const rows = await rig.stores.runFiles.listFiles(job.id);
  const copies = await deviceCopies(rig.localRoot, job.id, rows);
  expect(rows.map((r, i) => [r.rel_path, copies[i] && sha(copies[i])])).toEqual(picked.map((f) => [f.relPath, sha(f.bytes)]));
});

test("one file failing stops the other lanes: no file of its own starts after it, the page is told that file's name, nothing is kept", async () => {
  rig = await createRig({ paused: true });
  const store = createNodeFileStore(rig.localRoot);
  const started: number[] = [];
  let firstStarted = () => undefined as void;
  const firstWriting = new Promise<void>((resolve) => (firstStarted = resolve));
  let release = () => undefined as void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const files: FileStore = {
    ...store,
    write: async (jobId, seq, body, onProgress) => {
      started.push(seq);
      firstStarted();
      await gate;
      return store.write(jobId, seq, body, onProgress);
    },
  };
  // Read while the first big file is being written, and found gone; the big file's write then goes on.
  class Vanishing extends Blob {
    override async arrayBuffer(): Promise<ArrayBuffer> {
      await firstWriting;
      setTimeout(release, 10);
      throw new DOMException('The requested file could not be read', 'NotReadableError');
    }
  }
  const big = () => new Blob([new Uint8Array(CHUNK_BYTES + 1)]);
  const refused = intakeRun(
    { runFiles: rig.stores.runFiles, files, settings: rig.settings, now: rig.clock.now(), freeBytes: async () => null },
    {
      equipmentId: 'hplc-01',
      runName: 'stopped',
      files: [
        { relPath: 'b0.raw', body: big() },
        { relPath: 'b1.raw', body: big() },
        { relPath: 'b2.raw', body: big() },
        { relPath: 'notes.csv', body: new Vanishing([new Uint8Array(1000)]) },
      ],
    },
  );
  await expect(refused).rejects.toThrow(/^"notes.csv" changed after it was picked, or could no longer be read/);
  expect(started).toEqual([0]);
  expect(await rig.queue.listAll()).toEqual([]);
  await expect.poll(() => (existsSync(rig!.localRoot) ? readdirSync(rig!.localRoot) : [])).toEqual([]);
});
