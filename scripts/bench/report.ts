import { cpus, totalmem } from 'node:os';
import { wholeMs } from './appRun.ts';
import type { Figure } from './figure.ts';
import type { MemoryReport } from './memoryRuns.ts';
import { missedReasons } from './reasons.ts';
import { LANES, type TransferRow } from './transfers.ts';

// BENCHMARKS.md: each goal of issue #14 beside the figures it is judged on, met or missed, with the link
// every row was measured on. Ratios are of speeds (the reference's time over the app's): above 1, the
// app is the faster.

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const phases = (t: { intakeMs?: number; uploadMs: number; verifyMs: number }) =>
  `${s(wholeMs(t))} (${[t.intakeMs, t.uploadMs, t.verifyMs]
    .filter((x) => x !== undefined)
    .map((x) => (x! / 1000).toFixed(1))
    .join(' + ')})`;
const goal = (ratio: number, min: number) => `${ratio.toFixed(2)}x, ≥ ${min}x: ${ratio >= min ? 'met' : '**missed**'}`;
const MBps = (bytes: number, ms: number) => `${(bytes / 2 ** 20 / (ms / 1000)).toFixed(0)} MB/s`;

function transferTable(rows: TransferRow[]): string[] {
  const out = [
    `| run | link | app: intake + upload + verify | rclone: copy + check --download | curl, same protocol, ${LANES} processes | whole run vs rclone | whole run vs curl | app, embedded path |`,
    '| --- | --- | ---: | ---: | ---: | --- | --- | ---: |',
  ];
  for (const r of rows) {
    const app = wholeMs(r.app);
    out.push(
      `| ${r.run.label} | ${r.link.name} | ${phases(r.app)} | ${phases(r.rclone)} | ${phases(r.curl)} | ` +
        `${r.run.kind === 'small' ? goal(wholeMs(r.rclone) / app, 1.0) : `${(wholeMs(r.rclone) / app).toFixed(2)}x`} | ` +
        `${r.run.kind === 'small' ? goal(wholeMs(r.curl) / app, 0.8) : `${(wholeMs(r.curl) / app).toFixed(2)}x`} | ` +
        `${r.embedded ? phases(r.embedded) : ''} |`,
    );
  }
  return out;
}

/** The big-file goals, phase by phase: upload against curl's, verify against curl GET + sha256sum, intake against a copy. */
function bigFileTable(rows: TransferRow[]): string[] {
  const out = ['| run | link | phase | app | reference | ratio, goal |', '| --- | --- | --- | ---: | --- | --- |'];
  for (const r of rows.filter((x) => x.run.kind === 'big')) {
    const b = r.run.bytes;
    const line = (phase: string, appMs: number, ref: string, refMs: number, min: number) =>
      out.push(
        `| ${r.run.label} | ${r.link.name} | ${phase} | ${MBps(b, appMs)} | ${ref} ${MBps(b, refMs)} | ${goal(refMs / appMs, min)} |`,
      );
    line('upload', r.app.uploadMs, 'curl PUT + MOVE', r.curl.uploadMs, 0.9);
    line('verify', r.app.verifyMs, 'curl GET, sha256sum', r.curl.verifyMs, 0.8);
    if (r.plainCopyMs !== undefined) line('intake', r.app.intakeMs, 'dd copy, fsync', r.plainCopyMs, 0.8);
    if (r.embedded) {
      out.push(
        `| ${r.run.label} | embedded path, loopback | upload / verify / intake | ${MBps(b, r.embedded.uploadMs)} / ${MBps(b, r.embedded.verifyMs)} / ${MBps(b, r.embedded.intakeMs)} | | |`,
      );
    }
  }
  return out;
}

/** Chromium's CPU time during each app run of the transfer table, per file. */
function cpuTable(rows: TransferRow[]): string[] {
  const out = [
    '| app run | link | Chromium CPU: renderer (page, worker) + browser + other processes | per file |',
    '| --- | --- | ---: | ---: |',
  ];
  for (const r of rows) {
    const c = r.cpu;
    const total = c.renderer + c.browser + c.other;
    out.push(
      `| ${r.run.label} | ${r.link.name} | ${total.toFixed(1)} s (${c.renderer.toFixed(1)} + ${c.browser.toFixed(1)} + ${c.other.toFixed(1)}) | ${((total * 1000) / r.run.names.length).toFixed(1)} ms |`,
    );
  }
  return out;
}

function memoryTable(memory: MemoryReport): string[] {
  const out = [
    `Resting level before the first run: ${memory.restingBeforeMb.toFixed(0)} MB (resident, every process of the browser, summed).`,
    '',
    '| run, in order, one page | growth while it ran | after it (settled 3 s), against the level before the first run | goal: growth < 64 MB, back within ± 32 MB |',
    '| --- | ---: | ---: | --- |',
  ];
  for (const r of memory.runs) {
    const met = r.peakGrowthMb < 64 && Math.abs(r.restingDriftMb) <= 32;
    out.push(
      `| ${r.label} | ${r.peakGrowthMb.toFixed(0)} MB | ${r.restingDriftMb >= 0 ? '+' : ''}${r.restingDriftMb.toFixed(0)} MB | ${met ? 'met' : '**missed**'} |`,
    );
  }
  return out;
}

function queueTable(figures: Figure[]): string[] {
  return [
    '| figure | value | reference | ratio | target |',
    '| --- | ---: | --- | ---: | --- |',
    ...figures.map((f) => {
      const v = `${f.value.toFixed(f.unit === 'ms' ? 1 : 0)} ${f.unit}`;
      const r = f.reference ? `${f.reference.name} ${f.reference.value.toFixed(0)} ${f.unit}` : '';
      const ratioValue = f.reference ? f.value / f.reference.value : NaN;
      const ratio = f.reference ? `${ratioValue.toFixed(2)}x` : '';
      const target = f.target ? `${f.target.text}: ${f.target.met(f.value, ratioValue) ? 'met' : '**missed**'}` : '';
      return `| ${f.name} | ${v} | ${r} | ${ratio} | ${target} |`;
    }),
  ];
}

export function report(quick: boolean, rows: TransferRow[], memory: MemoryReport, queue: Figure[], notes: string[]): string {
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  return [
    `# exlab-sync benchmarks${quick ? ' (quick)' : ''}`,
    '',
    `Measured ${new Date().toISOString()} on ${machine}; Debian Chromium (headless, on-disk profile).`,
    '',
    '## Runs to the NAS',
    '',
    'The production path: the nginx recipe (deploy/nginx) in front of Apache httpd with mod_dav, every',
    'contender through it, one after the other. A shaped link is a proxy (test/support/shapingProxy.ts)',
    'in front of nginx that holds each chunk half the round trip each way and lets 100 Mbit/s through in',
    'each direction, shared by all connections; loopback goes to nginx directly. The app verifies by',
    `checksum (every file read back); its parallelism is ${LANES} files at a time, so rclone runs`,
    `\`copy --transfers ${LANES}\` (checkers at its default, 8) then \`check --download\`, and curl runs ${LANES}`,
    'processes, each one connection: MKCOL, per file PUT to a temporary name + MOVE (Overwrite: F), then',
    "GET everything back and compare SHA-256s. The embedded path is `npm start`'s: vite preview proxying",
    "to webdav-server. Ratios are speeds (the other's time over the app's): above 1 the app is faster.",
    "The app is driven as a technician uses it (the New run form, a folder picked), over Chromium's DevTools",
    'pipe with no DevTools agent on its worker, as on a tablet: Playwright turns the Network agent on in every',
    "worker and reports each request to its driver, which slowed the 2,000-file run's upload from 12.3 to",
    '19.1 s and its verify from 4.2 to 7.4 s (same day, same path). Before 2026-12-06 the rows were measured so.',
    ...notes.map((n) => `${n}`),
    '',
    ...transferTable(rows),
    '',
    '### Big files, phase by phase',
    '',
    ...bigFileTable(rows),
    '',
    "### Chromium's CPU time during each app run above",
    '',
    ...cpuTable(rows),
    '',
    "### Chromium's memory over many runs in one page",
    '',
    'Driven as the runs above (under Playwright the Network agent of the worker keeps a record of every request:',
    "9,000 after a run of 2,000 files, so memory measured so is not the app's). Production path, loopback.",
    '',
    ...memoryTable(memory),
    '',
    ...missedReasons(rows, memory, queue),
    '## The queue',
    '',
    'Through the Comlink API of the worker; opfs-sahpool, WAL + EXCLUSIVE locking + synchronous=FULL.',
    'The seed (Python, native SQLite) did about 2,600 committed inserts/s, 1,500 transitions/s and',
    '1,100 record_failures/s.',
    '',
    ...queueTable(queue),
    '',
  ].join('\n');
}
