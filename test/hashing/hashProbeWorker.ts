import * as Comlink from 'comlink';
import { goesInPack } from '../../src/worker/files/runPack';
import { type PackWriter, type StoredFile, createOpfsFileStore } from '../../src/worker/files/store';
import type { ChunkDigests } from '../../src/worker/hash/chunkDigests';
import { readBackChunkDigests, readBackSha256 } from '../../src/worker/sync/readBack';
import { createDavClient } from '../../src/worker/webdav/client';

// A dedicated worker, as the app's sync worker is: the run file store on real OPFS (sync access handles,
// the hash worker started from here) and the NAS read-back over a real fetch, driven by
// hashing.browser.test.ts, which checks every digest against WebCrypto.

export interface Written {
  /** What the store says it wrote. */
  size: number;
  sha256: string;
  /** What OPFS holds under that name, read back whole. */
  storedSize: number;
  storedSha256: string;
  /** The digest of each 4 MiB piece the store took (hex), for a file bigger than one piece; else null. */
  chunks: string[] | null;
}

export type ReadBack = { sha256: string } | { error: string };

const store = createOpfsFileStore();

async function sha(data: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Each 32-byte digest of a list, in hex. */
function hexDigests(c: ChunkDigests): string[] {
  const out: string[] = [];
  for (let at = 0; at < c.digests.length; at += 32)
    out.push(Array.from(c.digests.subarray(at, at + 32), (b) => b.toString(16).padStart(2, '0')).join(''));
  return out;
}

async function storedFile(jobId: string, s: StoredFile): Promise<Written> {
  const body = await store.open(jobId, { seq: s.seq, size: s.size, rel_path: `f${s.seq}`, pack_offset: s.packOffset });
  const bytes = body instanceof Uint8Array ? body.buffer : await body.arrayBuffer();
  return {
    size: s.size,
    sha256: s.sha256,
    storedSize: bytes.byteLength,
    storedSha256: await sha(bytes),
    chunks: s.chunks ? hexDigests(s.chunks) : null,
  };
}

/** A NAS client whose GET answers with `body` through the browser's fetch (a blob: URL), honouring aborts. */
function davServing(body: Blob) {
  const url = URL.createObjectURL(body);
  const dav = createDavClient({
    baseUrl: 'http://127.0.0.1:9/nas/',
    upload: async () => {
      throw new Error('no uploads here');
    },
    fetch: (_input, init) => fetch(url, { signal: init?.signal }),
  });
  return { dav, done: () => URL.revokeObjectURL(url) };
}

const api = {
  /** Writes each body as a file of the job, as intake does, and reads them back from OPFS. */
  async writeAll(jobId: string, bodies: Blob[]): Promise<Written[]> {
    // One after the other, as intake writes them (files/intake.ts INTAKE_CONCURRENCY): the small ones into
    // the run's pack, flushed and closed before they are read, a big one as a file of its own.
    const stored: StoredFile[] = [];
    let pack: PackWriter | null = null;
    for (const [seq, b] of bodies.entries()) {
      if (goesInPack(b.size)) stored.push(await (pack ??= await store.openPack(jobId)).append(seq, b));
      else stored.push(await store.write(jobId, seq, b));
    }
    await (pack as PackWriter | null)?.finish();
    return Promise.all(stored.map((s) => storedFile(jobId, s)));
  },

  /** A pack given up after one file (a failed intake): what a later append says, and whether the run's folder then goes. */
  async abandonedPack(jobId: string): Promise<{ appendAfter: string; foldersAfterDelete: string[] }> {
    const pack = await store.openPack(jobId);
    await pack.append(0, new Blob(['first']));
    pack.abandon();
    const appendAfter = await pack.append(1, new Blob(['second'])).then(
      () => 'taken',
      (err: Error) => err.message,
    );
    await store.deleteRun(jobId);
    return { appendAfter, foldersAfterDelete: await store.runIds() };
  },

  /**
   * Puts `bytes` in an OPFS file, takes it as a File (a disk-backed snapshot, as a picked file is) and
   * writes it into the store; when the first chunk is in, the source is changed in place as `change` says
   * (an instrument still writing the file it was picked from).
   */
  async changedWhileRead(jobId: string, bytes: Uint8Array<ArrayBuffer>, change: 'shrink' | 'grow') {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('hash-probe', { create: true });
    const handle = await dir.getFileHandle(`${jobId}.bin`, { create: true });
    let access = await handle.createSyncAccessHandle();
    access.truncate(0);
    access.write(bytes, { at: 0 });
    access.flush();
    access.close();
    const picked = await handle.getFile();
    access = await handle.createSyncAccessHandle();
    let changed = false;
    try {
      const s = await store.write(jobId, 0, picked, () => {
        if (changed) return;
        changed = true;
        if (change === 'shrink') access.truncate(Math.floor(bytes.length / 3));
        else access.write(new Uint8Array(1024 * 1024).fill(7), { at: bytes.length });
        access.flush();
      });
      return { changed, written: await storedFile(jobId, s) };
    } catch (err) {
      return { changed, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    } finally {
      access.close();
      await dir.removeEntry(`${jobId}.bin`);
    }
  },

  /** The read-back's digest of each 4 MiB piece of `body` (hex). */
  async readBackChunks(body: Blob): Promise<{ chunks: string[] } | { error: string }> {
    const { dav, done } = davServing(body);
    try {
      return { chunks: hexDigests(await readBackChunkDigests(dav, ['run', 'file.bin'], 4 * 1024 * 1024, new AbortController().signal)) };
    } catch (err) {
      return { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    } finally {
      done();
    }
  },

  /** The read-back's SHA-256 of `body` told `expectedBytes`; aborted once `abortAfter` bytes are in, when given. */
  async readBack(body: Blob, expectedBytes: number, abortAfter: number | null = null): Promise<ReadBack> {
    const { dav, done } = davServing(body);
    const abort = new AbortController();
    let seen = 0;
    try {
      const sha256 = await readBackSha256(dav, ['run', 'file.bin'], expectedBytes, abort.signal, (n) => {
        seen += n;
        if (abortAfter !== null && seen >= abortAfter) abort.abort(new Error('stopped by the test'));
      });
      return { sha256 };
    } catch (err) {
      return { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    } finally {
      done();
    }
  },

  deleteRun: (jobId: string) => store.deleteRun(jobId),

  /**
   * A pack of `bodies`, each file then read back through the store at once, side by side (upload lanes
   * read while others send); what each read gave, and whether the pack could then be opened for writing
   * (which a read-only handle left open refuses) right away, after `closeReaders`, or within 5 s.
   */
  async packReads(jobId: string, bodies: Blob[], then: 'nothing' | 'closeReaders' | 'deleteRun') {
    const pack = await store.openPack(jobId);
    const stored: StoredFile[] = [];
    for (const [seq, b] of bodies.entries()) stored.push(await pack.append(seq, b));
    await pack.finish();
    const files = stored.map((f) => ({ seq: f.seq, size: f.size, rel_path: `f${f.seq}`, pack_offset: f.packOffset }));
    const reads = await Promise.all(files.map((f) => store.open(jobId, f)));
    const kinds = reads.map((r) => (r instanceof Uint8Array ? 'bytes' : 'blob'));
    const sha256s = await Promise.all(reads.map(async (r) => sha(r instanceof Uint8Array ? r.buffer : await r.arrayBuffer())));
    if (then === 'closeReaders') await store.closeReaders();
    if (then === 'deleteRun') {
      await store.deleteRun(jobId);
      const after = await store.open(jobId, files[0]).then(
        () => 'read',
        (err: Error) => err.name,
      );
      return { kinds, sha256s, foldersAfterDelete: await store.runIds(), readAfterDelete: after };
    }
    const dir = await (await (await navigator.storage.getDirectory()).getDirectoryHandle('runs')).getDirectoryHandle(jobId);
    const writable = async () => {
      try {
        (await (await dir.getFileHandle('pack')).createSyncAccessHandle()).close();
        return true;
      } catch {
        return false;
      }
    };
    const writableAtOnce = await writable();
    const t0 = performance.now();
    let writableWithin5s = writableAtOnce;
    while (!writableWithin5s && performance.now() - t0 < 5_000) {
      await new Promise((r) => setTimeout(r, 50));
      writableWithin5s = await writable();
    }
    await store.deleteRun(jobId);
    return { kinds, sha256s, writableAtOnce, writableWithin5s };
  },

  /** A file of a pack read while something else holds the pack open for writing (no read-only handle can be had). */
  async packReadWhileHeld(jobId: string, body: Blob) {
    const pack = await store.openPack(jobId);
    const s = await pack.append(0, body);
    await pack.finish();
    const dir = await (await (await navigator.storage.getDirectory()).getDirectoryHandle('runs')).getDirectoryHandle(jobId);
    const held = await (await dir.getFileHandle('pack')).createSyncAccessHandle();
    try {
      const r = await store.open(jobId, { seq: 0, size: s.size, rel_path: 'f0', pack_offset: s.packOffset });
      return {
        kind: r instanceof Uint8Array ? 'bytes' : 'blob',
        sha256: await sha(r instanceof Uint8Array ? r.buffer : await r.arrayBuffer()),
      };
    } catch (err) {
      return { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    } finally {
      held.close();
      await store.deleteRun(jobId);
    }
  },
};

export type HashProbe = typeof api;
Comlink.expose(api);
