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
      `- **Small files against curl** (${slowerThanCurl.map((x) => x.link.name).join(', ')}): curl sends a request for a fraction of a`,
      `  millisecond of CPU; the app spends ${perFileMs(r).toFixed(0)} ms of Chromium's CPU per file on ${r.link.name} (the table above:`,
      "  the worker's JavaScript, a SQLite commit per file, OPFS reads; the browser process's file-system and",
      '  blob plumbing; the network service), and its intake copies and hashes every file into the device',
      '  first, which curl does not. On 2 cores the run is bound by that CPU, not by the link; on a slow link',
      '  the round trips dominate and the gap closes.',
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
      '- **Intake of the big file against a copy**: intake hashes every byte (SHA-256 in WebAssembly, hash-wasm,',
      '  about 290 MB/s on this CPU) as it writes it into OPFS, and reads the picked file through the browser',
      '  process; dd only copies. Reading the next 4 MB while hashing the last overlaps the two; the hash',
      '  itself is the bound.',
    );
  }
  out.push(...bigFileReason(big));
  out.push(...memoryReason(memory));
  const slowStart = queue.filter((f) => f.target && f.unit === 'ms' && !f.target.met(f.value, NaN));
  if (slowStart.length) {
    out.push(
      `- **Start-up** (${slowStart.map((f) => f.name).join('; ')}): the worker loads SQLite's WebAssembly (about 60 ms), replays`,
      '  the RUNNING jobs (about 100 ms for the 5,000 the benchmark leaves), and only then answers; the page and',
      '  the worker start one after the other. On a loaded machine each step takes longer.',
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
    "  fixed costs (claim, PROPFIND, manifest) weigh. Verify reads the file back through the worker's fetch and",
    "  hashes it in WebAssembly on the worker's one thread (hash-wasm, about 290 MB/s alone on this CPU),",
    '  where curl and sha256sum are two processes side by side; not profiled further.',
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
    "  through DevTools); what grows is Chromium's native memory: in a memory dump after one run of 1,000",
    "  files, the worker thread's Oilpan heap held 12 MB, PartitionAlloc's buffer partition 16 MB more and",
    '  malloc 21 MB more, released only in part afterwards, so the level does not return within 32 MB.',
    ...trend,
  ];
}
