import { type RealChromium, launchChromium } from '../../test/support/launchChromium.ts';
import { type Figure, atLeast, below } from './figure.ts';
import { inPage as measure } from './inPage.ts';
import { firstSeenAt } from './firstSeen.ts';
import { type PipePage, openPipePage } from '../../test/support/pipeChromium.ts';

// The queue's figures, measured in Chromium on a real on-disk profile through the Comlink API the page
// uses, in the e2e build (dist-e2e/), whose test hooks seed the file-less jobs and make the moves. Each throughput is shown against the batch rate of the same database in the same run (one
// transaction for many rows), which is what group commit can at best approach.

// Each snippet returns seconds (or ms, as named) measured inside the page.
const SNIPPETS = {
  enqueueSerial: `
    const t0 = performance.now();
    for (let i = 0; i < arg.n; i++) {
      const r = await hooks.seedJob({ equipmentId: 'bench', runPath: arg.prefix + i });
      if (!r.ok) throw new Error(r.error.message);
    }
    return (performance.now() - t0) / 1000;`,
  enqueueConcurrent: `
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: arg.callers }, async () => {
      while (next < arg.n) {
        const i = next++;
        const r = await hooks.seedJob({ equipmentId: 'bench', runPath: arg.prefix + i });
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
          ? await hooks.move(id, 'queued', { lastError: 'bench' })
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
      const r = await hooks.seedJobs(items);
      if (!r.ok) throw new Error(r.error.message);
    }
    return (performance.now() - t0) / 1000;`,
  singleLatency: `
    const samples = [];
    for (let i = 0; i < arg.n; i++) {
      const t0 = performance.now();
      await hooks.seedJob({ equipmentId: 'bench', runPath: arg.prefix + i });
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

type Run = (name: keyof typeof SNIPPETS, arg: unknown) => Promise<number>;

/**
 * Fill a queue of `bigQueue` jobs in a fresh profile at `appUrl` and time what a technician waits for.
 * The commit rates are measured under Playwright (timed inside the page); the big queue, its reload and
 * its views over the DevTools pipe with no agent on the worker (appRun.ts says why: under Playwright the
 * reload to the first rows took 405 ms where it took 348 without, medians of nine); the offline cold
 * start under Playwright again, which alone can take the whole browser offline.
 */
export async function queueFigures(appUrl: string, profile: string, sizes: { bigQueue: number; calls: number }): Promise<Figure[]> {
  const figures: Figure[] = [];
  const browser = await launchChromium(profile);
  try {
    const page = await browser.context.newPage();
    await page.goto(appUrl);
    await page.waitForSelector('[data-testid=ownership][data-status=owner]');
    const run: Run = async (name, arg) => (await measure(page, SNIPPETS[name], arg)) as number;
    // The queue figures are the queue's alone: the engine would sync these file-less jobs meanwhile.
    await measure(page, `await api.updateSettings({ paused: true }); return 0;`, null);
    figures.push(...(await commitFigures(run, sizes.calls)));
  } finally {
    await browser.close();
  }
  const pipe = await openPipePage(profile, appUrl);
  try {
    await firstSeenInPipe(pipe, `document.querySelector('[data-testid=ownership][data-status=owner]')`, 0);
    const run: Run = async (name, arg) => (await inPipe(pipe, SNIPPETS[name], arg)) as number;
    figures.push(...(await bigQueueFigures(pipe, run, sizes)));
  } finally {
    await pipe.close();
  }
  const offline = await launchChromium(profile);
  try {
    figures.push(await offlineColdStart(offline, appUrl, sizes.bigQueue));
  } finally {
    await offline.close();
  }
  return figures;
}

/** `body` in the page over the pipe, with `api`, `hooks` and `arg` as inPage.ts gives them. */
const inPipe = (page: PipePage, body: string, arg: unknown) =>
  page.evaluate<unknown>(
    `(async () => { const api = globalThis.exlabApi; const hooks = globalThis.exlabTestHooks; const arg = ${JSON.stringify(arg)}; ${body} })()`,
  );

/**
 * When `selector` first matched in a document loaded after `sinceMs` (ms since the epoch), by the page's
 * own clock, looked for every 10 ms as firstSeen.ts does: the old document answers until the new one commits.
 */
async function firstSeenInPipe(page: PipePage, selector: string, sinceMs: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const probe = `(performance.timeOrigin >= ${sinceMs - 5} && ${selector}) ? performance.timeOrigin + performance.now() : null`;
  for (;;) {
    // Between two documents an evaluation can fail: there is nothing to see yet.
    const at = await page.evaluate<number | null>(probe).catch(() => null);
    if (at) return at;
    if (Date.now() > deadline) throw new Error(`${selector} not seen in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Commits per second with 1 and 100 callers, against the batch rate of the same database. */
async function commitFigures(run: Run, calls: number): Promise<Figure[]> {
  const figures: Figure[] = [];
  const batchSeconds = await run('batch', { n: 10_000, prefix: '/batch/' });
  const batchRate = 10_000 / batchSeconds;
  figures.push({ name: 'batch enqueue of 10,000 (one transaction)', value: batchRate, unit: 'jobs/s' });
  const ref = { name: 'batch rate', value: batchRate };
  figures.push({
    name: 'single enqueue latency (median of 200)',
    value: await run('singleLatency', { n: 200, prefix: '/lat/' }),
    unit: 'ms',
  });
  const callersName = (callers: number) => `${callers} caller${callers > 1 ? 's' : ''}`;
  for (const callers of [1, 100]) {
    const s = await run(callers === 1 ? 'enqueueSerial' : 'enqueueConcurrent', { n: calls, callers, prefix: `/enq${callers}/` });
    const target = callers === 100 ? atLeast(2600, '≥ 2,600/s (the seed)') : undefined;
    figures.push({ name: `enqueue, ${callersName(callers)}`, value: calls / s, unit: 'commits/s', reference: ref, target });
  }
  for (const op of ['move', 'recordFailure'] as const) {
    for (const callers of [1, 100]) {
      await run('ids', { state: 'queued', prefix: `/enq${callers}/`, n: calls });
      const s = await run('callConcurrent', { op, callers });
      const label = op === 'move' ? 'transition' : 'recordFailure';
      figures.push({ name: `${label}, ${callersName(callers)}`, value: calls / s, unit: 'commits/s', reference: ref });
    }
  }
  return figures;
}

/** The queue filled up to `bigQueue` jobs (5,000 left RUNNING): its reads, then a reload and the Queue view. */
async function bigQueueFigures(page: PipePage, run: Run, sizes: { bigQueue: number; calls: number }): Promise<Figure[]> {
  const BIG_QUEUE = sizes.bigQueue;
  const n = BIG_QUEUE.toLocaleString('en');
  const have = 10_000 + 200 + 2 * sizes.calls;
  await run('batch', { n: BIG_QUEUE - have, prefix: '/big/' });
  // Leave some jobs RUNNING so the start-up replay has work to do.
  await run('ids', { state: 'queued', prefix: '/big/', n: 5_000 });
  await inPipe(page, `for (const id of globalThis.__benchIds) await hooks.move(id, 'running'); return 0;`, null);
  const figures: Figure[] = [
    { name: `first page (100 rows) of a ${n}-job queue`, value: await run('firstPage', {}), unit: 'ms', target: below(1000, '< 1 s') },
    { name: `counts per state, ${n} jobs`, value: await run('counts', { n: BIG_QUEUE }), unit: 'ms' },
    { name: `walk all ${n} jobs in pages of 500`, value: await run('walk', { n: BIG_QUEUE }), unit: 'ms' },
  ];
  const t0 = Date.now();
  await page.evaluate(`location.reload(); 0`);
  figures.push({
    name: `reload to queue open, replay of 5,000 RUNNING in ${n} jobs`,
    value: (await firstSeenInPipe(page, `document.querySelector('[data-testid=ownership][data-status=owner]')`, t0)) - t0,
    unit: 'ms',
  });
  const running = await inPipe(page, `return (await api.counts()).value.running;`, null);
  if (running !== 0) throw new Error(`replay left ${running} RUNNING jobs`);
  figures.push(...(await queueViewFigures(page, t0, BIG_QUEUE)));
  return figures;
}

/**
 * The Queue view on the big queue, as a person sees it: the reload started at `reloadT0`; first rows on
 * screen; the last row reached by scrolling; an equipment filter applied. Plus the worker's cost of the
 * list's farthest window, which is what scrolling to the end asks for.
 */
async function queueViewFigures(page: PipePage, reloadT0: number, BIG_QUEUE: number): Promise<Figure[]> {
  const n = BIG_QUEUE.toLocaleString('en');
  const firstRows = (await firstSeenInPipe(page, `document.querySelector('[data-testid=job]')`, reloadT0)) - reloadT0;
  const lastWindow = (await inPipe(
    page,
    `const t0 = performance.now(); const r = await api.listRange({}, arg.n - 100, 100);
     if (r.value.jobs.length !== 100) throw new Error('short window'); return performance.now() - t0;`,
    { n: BIG_QUEUE },
  )) as number;
  const toEnd = await page.evaluate<number>(`(async (last) => {
    const t0 = performance.now();
    // Row heights are measured as rows appear, so the list's height settles as it is scrolled: keep going.
    while (!document.querySelector('[data-index="' + last + '"] [data-testid=job]')) {
      window.scrollTo(0, document.documentElement.scrollHeight);
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      if (performance.now() - t0 > 60_000) throw new Error('the end of the list was not reached in 60 s');
    }
    return performance.now() - t0;
  })(${BIG_QUEUE - 1})`);
  // The equipment filter, chosen as a person does (the select's change event), timed in the page.
  const filtered = await page.evaluate<number>(`(async () => {
    const select = document.querySelector('select[name=equipment]');
    const t0 = performance.now();
    select.value = 'eq-3';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    for (;;) {
      const shown = [...document.querySelectorAll('[data-testid=job-equipment]')].map((e) => e.textContent);
      if (shown.length > 0 && shown.every((t) => t === 'eq-3')) return performance.now() - t0;
      if (performance.now() - t0 > 60_000) throw new Error('the filter did not apply in 60 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  })()`);
  return [
    { name: `reload to the first rows of ${n} jobs on screen`, value: firstRows, unit: 'ms', target: below(500, '< 0.5 s') },
    {
      name: `the farthest window (100 rows at offset ${(BIG_QUEUE - 100).toLocaleString('en')}) from the worker`,
      value: lastWindow,
      unit: 'ms',
    },
    { name: `scroll the Queue view from its top to its last row, ${n} jobs`, value: toEnd, unit: 'ms' },
    { name: `filter ${n} jobs by equipment, first rows on screen`, value: filtered, unit: 'ms' },
  ];
}

/**
 * The app opened with no network at all (the service worker serves it), in a browser just started: time to the
 * first rows of the queue on screen, which is when a technician can use it.
 */
async function offlineColdStart(browser: RealChromium, appUrl: string, bigQueue: number): Promise<Figure> {
  await browser.context.setOffline(true);
  const page = await browser.context.newPage();
  try {
    const t0 = Date.now();
    await page.goto(appUrl, { waitUntil: 'commit' });
    const ms = (await firstSeenAt(page, '[data-testid=job]')) - t0;
    return {
      name: `offline cold start (browser just started, no network) to the first rows of ${bigQueue.toLocaleString('en')} jobs`,
      value: ms,
      unit: 'ms',
      target: below(1000, '< 1 s'),
    };
  } finally {
    await page.close();
    await browser.context.setOffline(false);
  }
}
