import { wholeMs } from './appRun.ts';
import type { Figure } from './figure.ts';
import type { MemoryReport } from './memoryRuns.ts';
import type { TransferRow } from './transfers.ts';

// Issue #14: "a missed goal is reported with its reason". Each reason is what was measured while
// working on the goal (profiles of the worker, Chromium's CPU by process, its memory dumps); it is
// printed only when that goal is missed in this run.

const perFileMs = (r: TransferRow) => ((r.cpu.renderer + r.cpu.browser + r.cpu.other) * 1000) / r.run.names.length;

export function missedReasons(rows: TransferRow[], memory: MemoryReport, queue: Figure[]): string[] {
  const out: string[] = [];
  const small = rows.filter((r) => r.run.kind === 'small');
  const slowerThanCurl = small.filter((r) => wholeMs(r.curl) / wholeMs(r.app) < 0.8);
  if (slowerThanCurl.length) {
    const r = slowerThanCurl[0];
    out.push(
      `- **Small files against curl** (${slowerThanCurl.map((x) => x.link.name).join(', ')}): the app does what curl does (PUT to a`,
      '  temporary, MOVE, GET back; 6 at a time, as many connections as Chromium opens to one server) and first',
      '  its intake, the device copy curl does not make: each picked file read through the browser process, hashed',
      "  and appended to the run's pack (one OPFS file for the run's small files: files/runPack.ts; a file of its",
      '  own each took 2,000 small files in 12-13 s, the pack in about 4 s), then each picked file opened once more',
      `  to see it unchanged. Chromium spends ${perFileMs(r).toFixed(0)} ms of CPU per file on ${r.link.name} over all its`,
      "  processes (the worker's fetch() alone takes about 0.5 ms of its thread per request, three requests a file;",
      "  a SQLite commit per file; the browser process's and network service's plumbing), where curl spends a",
      '  fraction of a millisecond a request. On loopback the 2 cores are the bound. Sending each small file as',
      "  bytes read from the run's pack (files/packReaders.ts) instead of a Blob slice took 2,000 files' upload",
      '  from 12.9 to 8.3 s; without the service worker controlling the app it took 7.7 s (not an option: it is',
      '  what starts the app offline).',
    );
  }
  const slowerThanRclone = small.filter((r) => wholeMs(r.rclone) / wholeMs(r.app) < 1);
  if (slowerThanRclone.length) {
    out.push(
      `- **Small files against rclone** (${slowerThanRclone.map((x) => x.link.name).join(', ')}): intake (the device copy, which rclone does not make) is in the app's time.`,
    );
  }
  const big = rows.filter((r) => r.run.kind === 'big');
  if (big.some((r) => r.plainCopyMs !== undefined && r.plainCopyMs / r.app.intakeMs < 0.8)) {
    out.push(
      '- **Intake of the big file against a copy**: intake reads the picked file (through the browser process,',
      "  about 1 GB/s alone), writes it into OPFS (about 330 MB/s alone on this disk, the worker's thread) and",
      '  hashes it (SHA-256 in WebAssembly, hash-wasm, about 290 MB/s alone, in a worker of its own: that took',
      "  intake from 121 to 171-231 MB/s), and takes the SHA-256 of each 4 MiB piece with WebCrypto (the CPU's SHA",
      '  instructions, about 1 GB/s) so that verify can check the NAS copy piece by piece. The four overlap, but on',
      '  2 cores they share about 9 CPU-seconds per GB; dd only copies. The whole-file SHA-256 (in WebAssembly: WebCrypto',
      '  cannot hash a stream) is what the manifest on the NAS carries. The pieces cost intake 185 -> 158 MB/s and',
      '  took verify from 186 to 354 MB/s in the same afternoon (one run each).',
    );
  }
  out.push(...bigFileReason(big));
  out.push(...memoryReason(memory));
  const slowStart = queue.filter((f) => f.target && f.unit === 'ms' && !f.target.met(f.value, NaN));
  if (slowStart.length) {
    out.push(
      `- **Start-up** (${slowStart.map((f) => f.name).join('; ')}): timestamps in the page and the worker, over six`,
      '  reloads of a queue built like this one (a probe outside the bench): the page is parsed about 80 ms after the reload and starts the worker about 90 ms after it;',
      "  the worker loads SQLite's WebAssembly (about 65 ms), opens the database (30-380 ms from one reload to the",
      '  next; likely the write-ahead log of the 5,000 single commits just before, not proven), replays the RUNNING jobs (about 100 ms),',
      '  and only then answers; the first window of rows then takes 125-160 ms cold (the COUNT(*) of 100,000 jobs',
      '  that sizes the list, then the rows), and drawing them about 50 ms. On a loaded machine each step takes longer.',
    );
  }
  return out.length ? ['## Goals missed, and why', '', ...out, ''] : [];
}

/** Which big-file phases missed their goal against curl, and what the two sides do differently. */
function bigFileReason(big: TransferRow[]): string[] {
  const missed = big.flatMap((r) => [
    ...(r.curl.uploadMs / r.app.uploadMs < 0.9 ? [`${r.run.label}, ${r.link.name}: upload`] : []),
    ...(r.curl.verifyMs / r.app.verifyMs < 0.8 ? [`${r.run.label}, ${r.link.name}: verify`] : []),
  ]);
  if (!missed.length) return [];
  return [
    `- **Big-file upload or verify against curl** (${missed.join('; ')}): on small files (the quick run) the run's`,
    '  fixed costs (claim, PROPFIND, manifest) weigh. Upload sends the OPFS file as one XHR PUT through',
    "  Chromium's network service: about 400-420 MB/s in every 1 GB run on the machine of 2026-12-06, where",
    "  curl's PUT + MOVE measured 393-434 MB/s in five runs and 629-1010 MB/s in two; on the slower machine of",
    "  2026-12-08 the app's 224-237 MB/s in two full runs, curl's 246 and 383 (why curl varies was not",
    '  measured), so that ratio moves with the reference. Sending the bytes from memory instead of the OPFS Blob',
    '  measured the same.',
    "  Verify reads the file back through the worker's fetch (a byte stream) and checks each 4 MiB piece with",
    '  WebCrypto against the digests intake took (before: the whole file through hash-wasm, 0.66x to 0.83x curl);',
    '  on loopback nginx, Apache, the network service and the worker share the 2 cores.',
  ];
}

/**
 * What was measured about Chromium's memory while working on #14, and what this run shows of the resting
 * level over the repeated small runs (a figure, not a claim: it says whether the level kept rising).
 */
function memoryReason(memory: MemoryReport): string[] {
  if (!memory.runs.some((r) => r.peakGrowthMb >= 64 || Math.abs(r.restingDriftMb) > 32)) return [];
  const repeated = memory.runs.filter((r) => / of (\d+)$/.exec(r.label)?.[1] !== '1');
  const trend =
    repeated.length > 1
      ? [
          `  In this run the resting level went from ${repeated[0].restingDriftMb.toFixed(0)} MB above the first level after the first`,
          `  of the ${repeated.length} repeated runs to ${repeated.at(-1)!.restingDriftMb.toFixed(0)} MB after the last, about`,
          `  ${((repeated.at(-1)!.restingDriftMb - repeated[0].restingDriftMb) / (repeated.length - 1)).toFixed(1)} MB a run; what keeps it is not found yet.`,
        ]
      : [];
  return [
    '- **Memory**: the V8 heaps of the page and the worker stay flat over runs (2-5 MB after a collection, measured',
    "  through DevTools; docs/memory-findings.md); what grows is Chromium's native memory. During a run: intake",
    '  read 4 MB slices into new arrays, +200 MB in the renderer for 1 GB before the collector caught up; it now',
    '  reads a byte stream into one buffer (+30-45 MB). The read-back of a big file still adds 50-80 MB in the',
    '  renderer on some runs, garbage of the fetch body stream inside Blink, gone after a collection. Between',
    "  runs: Chromium's own bookkeeping of every OPFS file created (about 0.7 MB per 200 files in the browser",
    "  process, reproduced with no app code; a run's small files now share one OPFS file) and about 1 MB a run of",
    "  live malloc objects in the renderer. The 2,000-file run's growth comes with its upload (4,000 requests of",
    "  the worker): verify by size, a view that draws nothing and intake alone do not give it, and SQLite's",
    '  WebAssembly memory stays at 8 MB (docs/memory-findings.md).',
    ...trend,
  ];
}
