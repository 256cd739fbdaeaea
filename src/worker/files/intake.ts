import type { SyncJobRow } from '../db/jobRows';
import type { RunFiles } from '../db/runFiles';
import { DatabaseFullError, IntakeStalledError, SourceChangedError, StorageFullError } from '../errors';
import { MANIFEST_NAME } from '../../shared/manifestName';
import { CLAIM_NAME } from '../../shared/nasNames';
import { planRunFolder, relPathSegments, safeSegment } from '../../shared/nasPath';
import type { Settings } from '../../shared/settings';
import { intakeRunPath } from '../../shared/runPath';
import { inLanes } from '../../shared/inLanes';
import { goesInPack } from './runPack';
import type { FileStore, PackWriter, StoredFile } from './store';
import { unchangedSincePicked } from './sourceChunks';

export interface IntakeFile {
  /** The path inside the run, as the picker or the drop gave it ("plate-1/well A1.csv"). */
  relPath: string;
  body: Blob;
}

export interface IntakeRequest {
  equipmentId: string;
  runName: string;
  files: IntakeFile[];
}

export interface IntakeDeps {
  runFiles: RunFiles;
  files: FileStore;
  settings: Settings;
  now: number;
  /** Free bytes on the device, when the browser tells. */
  freeBytes: () => Promise<number | null>;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /** How long intake may go without a byte written or a file done before it gives up (tests shorten it). */
  stallMs?: number;
}

const PROGRESS_EVERY_MS = 100;
const STALL_MS = 60_000;
/** Picked files checked at once for a change since they were picked (each is a file opened by the browser). */
const CHECK_LANES = 8;
/**
 * Files taken in at once. A small file goes into the run's one pack, opened once: no OPFS file is opened
 * for it, so small files are read (a round trip to the browser process each) and hashed side by side. A
 * file of its own opens an OPFS file of its own: those still go one at a time (ownFiles below), because
 * with OPFS files open side by side in one origin Chromium now and then left a request unanswered (an
 * intake and a browser test hung; files/store.ts openAccess).
 */
const INTAKE_LANES = 4;

// The app's own names in a run folder: a run file may not take them.
const RESERVED_NAMES = new Set([MANIFEST_NAME, CLAIM_NAME]);

/**
 * Store a run on the device and queue it: every file is written and flushed to OPFS first, then the job
 * and its file list are committed in one transaction. Any failure removes what was written, so a crash
 * or a full disk leaves either the whole run or nothing (a crash's leftovers are swept at start-up).
 */
export async function intakeRun(deps: IntakeDeps, request: IntakeRequest): Promise<SyncJobRow> {
  const equipmentId = safeSegment(request.equipmentId.trim(), 'The equipment id');
  const runName = safeSegment(request.runName.trim(), 'The run name');
  if (!request.files.length) throw new RangeError('The run has no files; pick a folder or files first.');
  const seen = new Set<string>();
  const relPaths = request.files.map((f) => {
    const rel = relPathSegments(f.relPath).join('/');
    if (seen.has(rel)) throw new RangeError(`Two files would have the same name in the run: ${rel}`);
    // Checked on the first segment: a folder of that name would stand where the app writes its file.
    const top = rel.split('/')[0];
    if (RESERVED_NAMES.has(top)) throw new RangeError(`"${top}" is a name the app keeps for its own file in the run's folder; rename it.`);
    seen.add(rel);
    return rel;
  });
  for (const rel of relPaths) {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (seen.has(folder)) throw new RangeError(`"${folder}" would be both a file and a folder in the run; rename one of them.`);
    }
  }
  const bytesTotal = request.files.reduce((n, f) => n + f.body.size, 0);
  const free = await deps.freeBytes();
  if (free !== null && bytesTotal > free) throw new StorageFullError(bytesTotal, free);

  const nasPath = planRunFolder(deps.settings.pathTemplate, { equipmentId, runName }, deps.now);
  const jobId = crypto.randomUUID();
  const stored: StoredFile[] = [];
  let bytesDone = 0;
  // Each report is a message to the page: a few a second, and the last one, are what a bar needs.
  let reportedAt = -Infinity;
  const report = () => {
    const now = performance.now();
    if (now - reportedAt < PROGRESS_EVERY_MS && bytesDone < bytesTotal) return;
    reportedAt = now;
    deps.onProgress?.(bytesDone, bytesTotal);
  };
  const watch = stallWatch(deps.stallMs ?? STALL_MS);
  // Set once intake gave up (its first failure, or a stall): every other lane, a file of its own waiting
  // for its turn, and a copy that stalled and wakes up later stop at their next chunk or file.
  let abandoned: Error | null = null;
  // The store reads a Blob and knows no names: the page is told which file changed (another lane's failure,
  // met by this one, keeps its own name).
  const named = (seq: number) => (err: unknown) => {
    throw err instanceof SourceChangedError && err !== abandoned ? new SourceChangedError(relPaths[seq], { cause: err.cause }) : err;
  };
  let lanes: Promise<void> | null = null;
  // The run's small files go into one pack (runPack.ts), opened with the first of them.
  let pack = null as Promise<PackWriter> | null;
  let packOpened = null as PackWriter | null;
  try {
    // Files of their own, one after another, whichever lane takes them.
    let ownFiles: Promise<unknown> = Promise.resolve();
    const writeOwn = (seq: number, body: Blob, progress: (b: number) => void) => {
      const written = ownFiles.then(() => {
        if (abandoned) throw abandoned;
        return deps.files.write(jobId, seq, body, progress);
      });
      ownFiles = written.catch(() => undefined);
      return written;
    };
    lanes = inLanes([...request.files.entries()], INTAKE_LANES, async ([seq, file]) => {
      if (abandoned) throw abandoned;
      try {
        let fileDone = 0;
        const progress = (b: number) => {
          if (abandoned) throw abandoned;
          bytesDone += b - fileDone;
          fileDone = b;
          watch.alive();
          report();
        };
        const copy = goesInPack(file.body.size)
          ? (pack ??= deps.files.openPack(jobId).then((p) => (packOpened = p))).then((p) => p.append(seq, file.body, progress))
          : writeOwn(seq, file.body, progress);
        stored[seq] = await copy.catch(named(seq));
      } catch (err) {
        // The first failure stops the others now, not once every lane has finished its file.
        abandoned ??= asError(err);
        throw err;
      }
      watch.alive();
    });
    // A read or a write that never answers must not leave the technician at "Copying..." for good.
    await Promise.race([lanes, watch.stalled]);
    // Flushed before the run is queued, as each file of its own is.
    if (packOpened) await Promise.race([packOpened.finish(), watch.stalled]);
    // Every picked file opened once more, several at once (one after each file's copy cost 0.7 ms a
    // file: +1.4 s on 2,000 small files): one rewritten in place while it was copied is refused now.
    const unchanged = inLanes([...request.files.entries()], CHECK_LANES, async ([seq, file]) => {
      await unchangedSincePicked(file.body).catch(named(seq));
      watch.alive();
    });
    unchanged.catch(() => undefined); // after a stall, its outcome is no one's
    await Promise.race([unchanged, watch.stalled]);
    watch.stop();
    const originals = request.files.map((f, i) => originalIfRenamed(f.relPath, relPaths[i]));
    return await deps.runFiles.insertRun(
      { jobId, runPath: intakeRunPath(jobId), equipmentId, nasPath: await uniqueNasPath(deps.runFiles, nasPath) },
      stored.map((s, i) => ({
        seq: s.seq,
        rel_path: relPaths[i],
        size: s.size,
        sha256: s.sha256,
        original_path: originals[i],
        pack_offset: s.packOffset,
        chunks: s.chunks,
      })),
      renamedNote(relPaths, originals),
    );
  } catch (err) {
    watch.stop();
    // What the page is told: the first failure of a lane (others then failed because of it), or the stall.
    const failure = abandoned ?? asError(err);
    abandoned = failure;
    // Closed first (now, or when an open that stalled answers): a copy that wakes up later cannot write
    // into it, and OPFS deletes no folder with a file open in it.
    packOpened?.abandon();
    void pack?.then((p) => p.abandon()).catch(() => undefined);
    await deps.files.deleteRun(jobId).catch(() => undefined);
    // A stalled copy that wakes up later writes into the run's folder again until it stops: the folder
    // goes once it has (one that never wakes keeps its folder until the next start's sweep).
    void lanes?.catch(() => undefined).then(() => deps.files.deleteRun(jobId).catch(() => undefined));
    // The files fitted but the queue could not grow (or the other way round): either way the device is
    // full, and the page is told how much the run needs and what is free.
    if (failure instanceof StorageFullError || failure instanceof DatabaseFullError) {
      throw new StorageFullError(bytesTotal, await deps.freeBytes());
    }
    throw failure;
  }
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/** Rejects with IntakeStalledError once `ms` pass without a call of alive(). */
function stallWatch(ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let fail: (err: Error) => void = () => undefined;
  const stalled = new Promise<never>((_, reject) => (fail = reject));
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => fail(new IntakeStalledError(ms)), ms);
  };
  alive();
  return { stalled, alive, stop: () => clearTimeout(timer) };
}

/** Two runs never share a NAS folder: a second run of the same name on the same day gets " (2)". */
async function uniqueNasPath(runFiles: RunFiles, nasPath: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? nasPath : `${nasPath} (${n})`;
    if (!(await runFiles.nasPathTaken(candidate))) return candidate;
  }
}

/** The path as given, when its NAS form differs by more than dropped "." and empty segments; else null. */
function originalIfRenamed(given: string, stored: string): string | null {
  const plain = given
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/');
  return plain === stored ? null : plain;
}

/** The history's words for the names that had to change, or undefined when none did. */
function renamedNote(stored: string[], originals: (string | null)[]): string | undefined {
  const renamed = originals.flatMap((o, i) => (o === null ? [] : [`"${o}" is "${stored[i]}" on the NAS`]));
  return renamed.length ? `names changed for the NAS: ${renamed.join('; ')}` : undefined;
}
