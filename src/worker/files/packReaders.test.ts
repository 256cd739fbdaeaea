// The run packs read for upload through read-only sync access handles (packReaders.ts, by way of the
// OPFS store), on a small in-memory stand-in for OPFS that keeps its locks as Chromium does: a read-only
// handle shares with others of its kind only, a folder with an open handle in it cannot be removed. The
// browser tests (test/hashing) read real OPFS; these make the faults real OPFS gives only now and then.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { READ_ONLY_OPEN_MS } from './packReaders';
import type { DeviceFile } from './runPack';

type Hook = (mode: string | undefined) => Promise<void> | void;

class FakeFile {
  shared = 0;
  exclusive = false;
  openHook: Hook | null = null;
  readFault: (() => never) | null = null;
  constructor(public bytes: Uint8Array<ArrayBuffer>) {}
}

function handleFor(file: FakeFile, dirAlive: () => boolean) {
  return {
    kind: 'file' as const,
    async getFile() {
      if (!dirAlive()) throw new DOMException('gone', 'NotFoundError');
      return new Blob([file.bytes]);
    },
    async createSyncAccessHandle(options?: { mode?: string }) {
      await file.openHook?.(options?.mode);
      if (!dirAlive()) throw new DOMException('gone', 'NotFoundError');
      const readOnly = options?.mode === 'read-only';
      if (file.exclusive || (!readOnly && file.shared)) throw new DOMException('locked', 'NoModificationAllowedError');
      if (readOnly) file.shared++;
      else file.exclusive = true;
      let closed = false;
      const check = () => {
        if (closed) throw new DOMException('The access handle was already closed', 'InvalidStateError');
      };
      return {
        getSize() {
          check();
          return file.bytes.length;
        },
        read(into: Uint8Array, { at }: { at: number }) {
          check();
          file.readFault?.();
          const n = Math.max(0, Math.min(into.length, file.bytes.length - at));
          into.set(file.bytes.subarray(at, at + n));
          return n;
        },
        write(from: Uint8Array, { at }: { at: number }) {
          check();
          const next = new Uint8Array(Math.max(file.bytes.length, at + from.length));
          next.set(file.bytes);
          next.set(from, at);
          file.bytes = next;
          return from.length;
        },
        truncate(n: number) {
          file.bytes = file.bytes.slice(0, n);
        },
        flush() {},
        close() {
          if (closed) return;
          closed = true;
          if (readOnly) file.shared--;
          else file.exclusive = false;
        },
      };
    },
  };
}

class FakeDir {
  entries = new Map<string, FakeDir | FakeFile>();
  alive = true;
  removeFault: (() => never) | null = null;
  locked(): boolean {
    return [...this.entries.values()].some((e) => (e instanceof FakeDir ? e.locked() : e.shared > 0 || e.exclusive));
  }
  handle(): unknown {
    const dir = this;
    return {
      kind: 'directory' as const,
      async getDirectoryHandle(name: string, o?: { create?: boolean }) {
        if (!dir.alive) throw new DOMException('gone', 'NotFoundError');
        let e = dir.entries.get(name);
        if (!e && o?.create) dir.entries.set(name, (e = new FakeDir()));
        if (!e) throw new DOMException(name, 'NotFoundError');
        if (!(e instanceof FakeDir)) throw new DOMException(name, 'TypeMismatchError');
        return e.handle();
      },
      async getFileHandle(name: string, o?: { create?: boolean }) {
        if (!dir.alive) throw new DOMException('gone', 'NotFoundError');
        let e = dir.entries.get(name);
        if (!e && o?.create) dir.entries.set(name, (e = new FakeFile(new Uint8Array(0))));
        if (!e) throw new DOMException(name, 'NotFoundError');
        if (!(e instanceof FakeFile)) throw new DOMException(name, 'TypeMismatchError');
        return handleFor(e, () => dir.alive);
      },
      async removeEntry(name: string) {
        const e = dir.entries.get(name);
        if (!e) throw new DOMException(name, 'NotFoundError');
        if (e instanceof FakeDir) {
          e.removeFault?.();
          if (e.locked()) throw new DOMException('in use', 'NoModificationAllowedError');
          e.alive = false;
        }
        dir.entries.delete(name);
      },
      async *[Symbol.asyncIterator]() {
        for (const [n, e] of dir.entries) yield [n, { kind: e instanceof FakeDir ? 'directory' : 'file' }];
      },
    };
  }
}

const NEVER = new Promise<void>(() => undefined);
/** Whether `p` has settled by now (after the microtasks and due timers queued so far). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

let root: FakeDir;
let runs: FakeDir;
function run(jobId: string, bytes: number[]): FakeFile {
  const dir = new FakeDir();
  const pack = new FakeFile(new Uint8Array(bytes));
  dir.entries.set('pack', pack);
  runs.entries.set(jobId, dir);
  return pack;
}
const file = (seq: number, at: number, size: number): DeviceFile => ({ seq, size, rel_path: `f${seq}.csv`, pack_offset: at });

async function freshStore() {
  vi.resetModules(); // store.ts keeps a module-wide open queue: each test gets its own
  const { createOpfsFileStore } = await import('./store');
  const { classify, isTerminalFailure } = await import('../queue/classify');
  return Object.assign(createOpfsFileStore(), { classify, isTerminalFailure });
}
const missing = (err: unknown) => (err as Error).name === 'LocalFileMissingError';

beforeEach(() => {
  root = new FakeDir();
  runs = new FakeDir();
  root.entries.set('runs', runs);
  vi.stubGlobal('navigator', { storage: { getDirectory: async () => root.handle() } });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const bytesOf = async (body: Blob | Uint8Array) => [...(body instanceof Uint8Array ? body : new Uint8Array(await body.arrayBuffer()))];

describe('a run pack read for upload', () => {
  it('gives each file its own bytes, read side by side, a file of 0 bytes included', async () => {
    const store = await freshStore();
    run('A', [1, 2, 3, 4, 5]);
    const reads = await Promise.all([store.open('A', file(0, 0, 2)), store.open('A', file(1, 2, 3)), store.open('A', file(2, 5, 0))]);
    expect(reads.map((r) => r instanceof Uint8Array)).toEqual([true, true, true]);
    expect(await Promise.all(reads.map(bytesOf))).toEqual([[1, 2], [3, 4, 5], []]);
    await store.closeReaders();
  });

  it('a pack shorter than its rows say: the file is missing from the device', async () => {
    const store = await freshStore();
    run('A', [1, 2, 3]);
    const err = await store.open('A', file(0, 2, 2)).catch((e: unknown) => e);
    expect(missing(err)).toBe(true);
    await store.closeReaders();
  });

  it('a read the disk fails now and then is tried again, not taken for a missing file', async () => {
    const store = await freshStore();
    const pack = run('A', [1, 2, 3, 4]);
    pack.readFault = () => {
      throw new DOMException('Failed to read the content', 'InvalidStateError');
    };
    const err = await store.open('A', file(0, 0, 4)).catch((e: unknown) => e);
    expect(missing(err)).toBe(false);
    expect(store.isTerminalFailure(store.classify(err).kind)).toBe(false);
    pack.readFault = null;
    expect(await bytesOf(await store.open('A', file(0, 0, 4)))).toEqual([1, 2, 3, 4]);
    await store.closeReaders();
  });

  it('no memory for the bytes (RangeError) is tried again, not taken for a pack cut short', async () => {
    const store = await freshStore();
    run('A', [1, 2, 3, 4]);
    const Real = Uint8Array;
    vi.stubGlobal(
      'Uint8Array',
      class extends Real {
        constructor(...args: unknown[]) {
          if (args.length === 1 && args[0] === 4) throw new RangeError('Array buffer allocation failed');
          super(...(args as []));
        }
      },
    );
    const err = await store.open('A', file(0, 0, 4)).catch((e: unknown) => e);
    vi.stubGlobal('Uint8Array', Real);
    expect(missing(err)).toBe(false);
    expect(store.isTerminalFailure(store.classify(err).kind)).toBe(false);
    await store.closeReaders();
  });

  it('a deletion that failed leaves the run readable: its files are still there', async () => {
    const store = await freshStore();
    run('A', [9, 8, 7]);
    expect(await bytesOf(await store.open('A', file(0, 0, 3)))).toEqual([9, 8, 7]);
    (runs.entries.get('A') as FakeDir).removeFault = () => {
      throw new DOMException('transient', 'InvalidModificationError');
    };
    await expect(store.deleteRun('A')).rejects.toThrow('transient');
    expect(runs.entries.has('A')).toBe(true);
    (runs.entries.get('A') as FakeDir).removeFault = null;
    // The reaper kept the job; its NAS copy changed; the operator retries: the upload reads the files again.
    expect(await bytesOf(await store.open('A', file(0, 0, 3)))).toEqual([9, 8, 7]);
    await store.deleteRun('A');
    expect(runs.entries.has('A')).toBe(false);
  });

  it('a run deleted while its pack is open is deleted; a read that was opening it finds the files gone', async () => {
    const store = await freshStore();
    let letOpen!: () => void;
    const pack = run('A', [1, 2]);
    pack.openHook = () => new Promise<void>((r) => (letOpen = r));
    const reading = store.open('A', file(0, 0, 2)).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 0));
    const deleting = store.deleteRun('A');
    letOpen();
    await deleting;
    expect(runs.entries.has('A')).toBe(false);
    expect(missing(await reading)).toBe(true);
    // And none is opened for it while it goes.
    expect(missing(await store.open('A', file(0, 0, 2)).catch((e: unknown) => e))).toBe(true);
  });

  it('an open Chromium never answers holds up nothing for long: the pack is read another way, and deletion, hand-over, other runs and intake go on', async () => {
    vi.useFakeTimers();
    const store = await freshStore();
    run('A', [1, 2]).openHook = () => NEVER;
    run('B', [3, 4]);
    const upload = store.open('A', file(0, 0, 2));
    expect(await settled(upload)).toBe(false);
    await vi.advanceTimersByTimeAsync(READ_ONLY_OPEN_MS);
    // Read as before the change: a slice of the pack as a Blob.
    expect(await bytesOf(await upload)).toEqual([1, 2]);
    const other = store.open('B', file(0, 0, 2));
    const intake = store.write('C', 0, new Blob([new Uint8Array([1])]));
    const handOver = store.closeReaders();
    await vi.advanceTimersByTimeAsync(2 * READ_ONLY_OPEN_MS);
    expect(await bytesOf(await other)).toEqual([3, 4]);
    expect((await intake).size).toBe(1);
    expect(await settled(handOver)).toBe(true);
    const discard = store.deleteRun('A');
    await vi.advanceTimersByTimeAsync(READ_ONLY_OPEN_MS);
    expect(await settled(discard)).toBe(true);
    expect(runs.entries.has('A')).toBe(false);
  });
});
