import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { launchChromium } from '../e2e/fixtures/launchChromium.ts';
import { startPreview } from './preview.ts';

// `npm run bench`: queue figures measured in Chromium, on a real on-disk profile, through the Comlink
// API the page uses. Each throughput is shown against the batch rate of the same database in the same
// run (one transaction for many rows), which is what group commit can at best approach.

const QUICK = process.argv.includes('--quick');
const BIG_QUEUE = QUICK ? 20_000 : 100_000;
const CALLS = QUICK ? 400 : 2_000;

interface Figure {
  name: string;
  value: number;
  unit: string;
  reference?: { name: string; value: number };
}

async function measure(page: Page, fn: string, arg: unknown): Promise<number> {
  return page.evaluate(
    async ([body, a]) => {
      const api = (globalThis as any).exlabApi;
      const run = new Function('api', 'arg', `return (async () => { ${body} })()`);
      return run(api, a);
    },
    [fn, arg] as const,
  );
}

// Each snippet returns seconds (or ms, as named) measured inside the page.
const SNIPPETS = {
  enqueueSerial: `
    const t0 = performance.now();
    for (let i = 0; i < arg.n; i++) {
      const r = await api.enqueue({ equipmentId: 'bench', runPath: arg.prefix + i });
      if (!r.ok) throw new Error(r.error.message);
    }
    return (performance.now() - t0) / 1000;`,
  enqueueConcurrent: `
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: arg.callers }, async () => {
      while (next < arg.n) {
        const i = next++;
        const r = await api.enqueue({ equipmentId: 'bench', runPath: arg.prefix + i });
        if (!r.ok) throw new Error(r.error.message);
      }
    }));
    return (performance.now() - t0) / 1000;`,
  ids: `
    const ids = [];
    let after = null;
    do {
      const r = await api.list({ state: arg.state, after, limit: 500 });
      ids.push(...r.value.jobs.filter((j) => j.run_path.startsWith(arg.prefix)).map((j) => j.id));
      after = r.value.next;
    } while (after && ids.length < arg.n);
    globalThis.__benchIds = ids.slice(0, arg.n);
    return globalThis.__benchIds.length;`,
  callConcurrent: `
    const ids = globalThis.__benchIds;
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: arg.callers }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        const r = arg.op === 'move'
          ? await api.move(id, 'queued', { lastError: 'bench' })
          : await api.recordFailure(id, { error: 'bench' });
        if (!r.ok) throw new Error(r.error.message);
      }
    }));
    return (performance.now() - t0) / 1000;`,
  batch: `
    const t0 = performance.now();
    for (let start = 0; start < arg.n; start += 10000) {
      const items = [];
      for (let i = start; i < Math.min(arg.n, start + 10000); i++) items.push({ equipmentId: 'eq-' + (i % 7), runPath: arg.prefix + i });
      const r = await api.enqueueMany(items);
      if (!r.ok) throw new Error(r.error.message);
    }
    return (performance.now() - t0) / 1000;`,
  singleLatency: `
    const samples = [];
    for (let i = 0; i < arg.n; i++) {
      const t0 = performance.now();
      await api.enqueue({ equipmentId: 'bench', runPath: arg.prefix + i });
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)];`,
  firstPage: `
    const t0 = performance.now();
    const r = await api.list({ limit: 100 });
    if (r.value.jobs.length !== 100) throw new Error('short page');
    return performance.now() - t0;`,
  counts: `
    const t0 = performance.now();
    const r = await api.counts();
    const total = Object.values(r.value).reduce((a, b) => a + b, 0);
    if (total < arg.n) throw new Error('counts short: ' + total);
    return performance.now() - t0;`,
  walk: `
    const t0 = performance.now();
    let after = null, n = 0;
    do { const r = await api.list({ after, limit: 500 }); n += r.value.jobs.length; after = r.value.next; } while (after);
    if (n < arg.n) throw new Error('walk short: ' + n);
    return performance.now() - t0;`,
};

async function main(): Promise<void> {
  const preview = await startPreview();
  const profile = mkdtempSync(join(tmpdir(), 'exlab-bench-'));
  const browser = await launchChromium(profile);
  const figures: Figure[] = [];
  try {
    const page = await browser.context.newPage();
    await page.goto(preview.url);
    await page.waitForSelector('[data-testid=ownership][data-status=owner]');
    const run = (name: keyof typeof SNIPPETS, arg: unknown) => measure(page, SNIPPETS[name], arg);

    const batchSeconds = await run('batch', { n: 10_000, prefix: '/batch/' });
    const batchRate = 10_000 / batchSeconds;
    figures.push({ name: 'batch enqueue of 10,000 (one transaction)', value: batchRate, unit: 'jobs/s' });
    const ref = { name: 'batch rate', value: batchRate };

    figures.push({ name: 'single enqueue latency (median of 200)', value: await run('singleLatency', { n: 200, prefix: '/lat/' }), unit: 'ms' });
    for (const callers of [1, 100]) {
      const s = await run(callers === 1 ? 'enqueueSerial' : 'enqueueConcurrent', { n: CALLS, callers, prefix: `/enq${callers}/` });
      figures.push({ name: `enqueue, ${callers} caller${callers > 1 ? 's' : ''}`, value: CALLS / s, unit: 'commits/s', reference: ref });
    }
    for (const op of ['move', 'recordFailure'] as const) {
      for (const callers of [1, 100]) {
        const prefix = `/enq${callers}/`;
        await run('ids', { state: 'queued', prefix, n: CALLS });
        const s = await run('callConcurrent', { op, callers });
        const label = op === 'move' ? 'transition' : 'recordFailure';
        figures.push({ name: `${label}, ${callers} caller${callers > 1 ? 's' : ''}`, value: CALLS / s, unit: 'commits/s', reference: ref });
      }
    }

    const have = 10_000 + 200 + 2 * CALLS;
    await run('batch', { n: BIG_QUEUE - have, prefix: '/big/' });
    // Leave some jobs RUNNING so the start-up replay has work to do.
    await run('ids', { state: 'queued', prefix: '/big/', n: 5_000 });
    await measure(page, `for (const id of globalThis.__benchIds) await api.move(id, 'running'); return 0;`, null);
    figures.push({ name: `first page (100 rows) of a ${BIG_QUEUE.toLocaleString('en')}-job queue`, value: await run('firstPage', {}), unit: 'ms' });
    figures.push({ name: `counts per state, ${BIG_QUEUE.toLocaleString('en')} jobs`, value: await run('counts', { n: BIG_QUEUE }), unit: 'ms' });
    figures.push({ name: `walk all ${BIG_QUEUE.toLocaleString('en')} jobs in pages of 500`, value: await run('walk', { n: BIG_QUEUE }), unit: 'ms' });

    const t0 = Date.now();
    await page.reload();
    await page.waitForSelector('[data-testid=ownership][data-status=owner]');
    figures.push({ name: `reload to queue open, replay of 5,000 RUNNING in ${BIG_QUEUE.toLocaleString('en')} jobs`, value: Date.now() - t0, unit: 'ms' });
    const running = await measure(page, `return (await api.counts()).value.running;`, null);
    if (running !== 0) throw new Error(`replay left ${running} RUNNING jobs`);
  } finally {
    await browser.close();
    await preview.stop();
    rmSync(profile, { recursive: true, force: true });
  }
  report(figures);
}

function report(figures: Figure[]): void {
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const lines = [
    `# exlab-sync benchmarks${QUICK ? ' (quick)' : ''}`,
    '',
    `Measured ${new Date().toISOString()} on ${machine}; Debian Chromium, on-disk profile, opfs-sahpool,`,
    'WAL + EXCLUSIVE locking + synchronous=FULL; every call through the Comlink API of the worker.',
    'The seed (Python, native SQLite) did about 2,600 committed inserts/s, 1,500 transitions/s and',
    '1,100 record_failures/s.',
    '',
    '| figure | value | reference | ratio |',
    '| --- | ---: | --- | ---: |',
    ...figures.map((f) => {
      const v = `${f.value.toFixed(f.unit === 'ms' ? 1 : 0)} ${f.unit}`;
      const r = f.reference ? `${f.reference.name} ${f.reference.value.toFixed(0)}/s` : '';
      const ratio = f.reference ? `${(f.value / f.reference.value).toFixed(2)}x` : '';
      return `| ${f.name} | ${v} | ${r} | ${ratio} |`;
    }),
    '',
  ];
  const text = lines.join('\n');
  console.log(text);
  if (!QUICK) writeFileSync('BENCHMARKS.md', text);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
