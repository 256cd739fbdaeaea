import { existsSync, mkdirSync, openAsBlob, readdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalFileMissingError } from '../../src/worker/errors';
import { createFileHashes } from '../../src/worker/hash/fileHashes';
import type { FileStore } from '../../src/worker/files/store';
import { sourceChunks } from '../../src/worker/files/sourceChunks';

// The engine's FileStore over a folder on disk, for running the engine in Node: the same contract as
// the OPFS store (runs/<job id>/f<seq>, streamed, hashed while written).
export function createNodeFileStore(root: string): FileStore {
  mkdirSync(root, { recursive: true });
  return {
    async write(jobId, seq, body, onProgress) {
      mkdirSync(join(root, jobId), { recursive: true });
      const handle = await open(join(root, jobId, `f${seq}`), 'w');
      const hashes = await createFileHashes(body.size);
      let size = 0;
      try {
        // Read as the OPFS store reads it, so a source that changed or failed is refused the same way.
        for await (const chunk of sourceChunks(body)) {
          await hashes.update(chunk);
          await handle.write(chunk);
          size += chunk.length;
          onProgress?.(size);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { seq, size, ...(await hashes.finish()) };
    },
    async open(jobId, seq, relPath) {
      const path = join(root, jobId, `f${seq}`);
      if (!existsSync(path)) throw new LocalFileMissingError(relPath);
      return openAsBlob(path);
    },
    async deleteRun(jobId) {
      rmSync(join(root, jobId), { recursive: true, force: true });
    },
    async runIds() {
      return existsSync(root) ? readdirSync(root) : [];
    },
  };
}
