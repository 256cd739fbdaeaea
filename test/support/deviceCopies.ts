import type { RunFile } from '../../src/worker/db/runFiles';
import { LocalFileMissingError } from '../../src/worker/errors';
import { createNodeFileStore } from './nodeFileStore';

// What the device holds of a run, file by file, read where the app reads it (the run's pack or f<seq>):
// what a test checks instead of counting the files in the job's folder, which no longer says how many
// run files are there (a run's small files share one pack, files/runPack.ts).

/** Each file's bytes as the device holds them, in the order of `files`; null for one gone or cut short. */
export async function deviceCopies(root: string, jobId: string, files: readonly RunFile[]): Promise<(Buffer | null)[]> {
  const store = createNodeFileStore(root);
  return Promise.all(
    files.map(async (f) => {
      try {
        const body = await store.open(jobId, f);
        const bytes = Buffer.from(body instanceof Uint8Array ? body : new Uint8Array(await body.arrayBuffer()));
        return bytes.length === f.size ? bytes : null;
      } catch (err) {
        if (err instanceof LocalFileMissingError) return null;
        throw err;
      }
    }),
  );
}

/** How many of the run's files the device holds whole. */
export async function filesKept(root: string, jobId: string, files: readonly RunFile[]): Promise<number> {
  return (await deviceCopies(root, jobId, files)).filter((b) => b !== null).length;
}
