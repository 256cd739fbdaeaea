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
  if (big.some((r) => r.curl.uploadMs / r.app.uploadMs < 0.9 || r.curl.verifyMs / r.app.verifyMs < 0.8)) {
    out.push(
      "- **Big-file upload or verify against curl**: at small sizes (the quick run) the run's fixed costs (claim, PROPFIND, manifest) weigh; on a capped link both are bound by the cap.",
    );
  }
  if (memory.runs.some((r) => r.peakGrowthMb >= 64 || Math.abs(r.restingDriftMb) > 32)) {
    out.push(
      '- **Memory**: the V8 heaps of the page and the worker stay flat over runs (2-5 MB after a collection, measured',
      "  through DevTools); what grows is Chromium's native memory: in a memory dump after one run of 1,000",
      "  files, the worker thread's Oilpan heap held 12 MB, PartitionAlloc's buffer partition 16 MB more and",
      '  malloc 21 MB more, released only in part afterwards. The growth slows run after run (it is what the',
      '  allocators keep, not a list that grows per file), but it does not return within 32 MB.',
    );
  }
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
