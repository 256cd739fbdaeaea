import { existsSync, mkdirSync, openAsBlob, readdirSync, rmSync, statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalFileMissingError } from '../../src/worker/errors';
import { createFileHashes } from '../../src/worker/hash/fileHashes';
import { PACK_NAME, packHolds, packPlaces } from '../../src/worker/files/runPack';
import type { FileStore, PackWriter } from '../../src/worker/files/store';
import { sourceChunks } from '../../src/worker/files/sourceChunks';

// The engine's FileStore over a folder on disk, for running the engine in Node: the same contract as
// the OPFS store (runs/<job id>/f<seq> for a big file, the small ones in runs/<job id>/pack; streamed,
// hashed while written).
export function createNodeFileStore(root: string): FileStore {
  mkdirSync(root, { recursive: true });
  return {
    async write(jobId, seq, body, onProgress) {
      mkdirSync(join(root, jobId), { recursive: true });
      const handle = await open(join(root, jobId, `f${seq}`), 'w');
      try {
        const copied = await copyInto(handle, 0, body, onProgress);
        await handle.sync();
        return { seq, ...copied, packOffset: null };
      } finally {
        await handle.close();
      }
    },
    async openPack(jobId) {
      mkdirSync(join(root, jobId), { recursive: true });
      const handle = await open(join(root, jobId, PACK_NAME), 'w');
      const places = packPlaces();
      const writer: PackWriter = {
        async append(seq, body, onProgress) {
          const at = places.take(body.size);
          return { seq, ...(await copyInto(handle, at, body, onProgress)), packOffset: at };
        },
        async finish() {
          places.close();
          try {
            await handle.sync();
          } finally {
            await handle.close();
          }
        },
        abandon() {
          if (places.close()) void handle.close();
        },
      };
      return writer;
    },
    async open(jobId, file) {
      const path = join(root, jobId, file.pack_offset === null ? `f${file.seq}` : PACK_NAME);
      if (!existsSync(path)) throw new LocalFileMissingError(file.rel_path);
      if (file.pack_offset === null) return openAsBlob(path);
      if (!packHolds(statSync(path).size, file)) throw new LocalFileMissingError(file.rel_path);
      // A small file's bytes, as the OPFS store reads them from its pack (files/packReaders.ts).
      const bytes = new Uint8Array(file.size);
      const handle = await open(path, 'r');
      try {
        const { bytesRead } = await handle.read(bytes, 0, file.size, file.pack_offset);
        if (bytesRead !== file.size) throw new LocalFileMissingError(file.rel_path);
      } finally {
        await handle.close();
      }
      return bytes;
    },
    async deleteRun(jobId) {
      rmSync(join(root, jobId), { recursive: true, force: true });
    },
    async runIds() {
      return existsSync(root) ? readdirSync(root) : [];
    },
  };
}

/** Read `body` as the OPFS store reads it (a source that changed or failed is refused the same way), hash it, write it from byte `at`. */
async function copyInto(handle: FileHandle, at: number, body: Blob, onProgress?: (bytes: number) => void) {
  const hashes = await createFileHashes(body.size);
  let size = 0;
  try {
    for await (const chunk of sourceChunks(body)) {
      await hashes.update(chunk);
      let written = 0;
      while (written < chunk.length)
        written += (await handle.write(chunk, written, chunk.length - written, at + size + written)).bytesWritten;
      size += chunk.length;
      onProgress?.(size);
    }
    return { size, ...(await hashes.finish()) };
  } catch (err) {
    hashes.dispose();
    throw err;
  }
}
