import type { RealChromium } from '../../test/support/launchChromium.ts';

// Chromium around one piece of work: its resident memory (every process of the browser, from /proc)
// before, at its highest and once settled; and the CPU time each kind of process spent on it.

export interface MemoryFigure {
  /** Before the work, in MiB. */
  beforeMb: number;
  /** The highest level during the work, above `beforeMb`. */
  peakGrowthMb: number;
  /** The level once the work is done and the page has settled, above `beforeMb`. */
  afterGrowthMb: number;
  /** CPU seconds spent during the work: the renderer (page and worker), the browser process, the rest. */
  cpuS: { renderer: number; browser: number; other: number };
}

const SAMPLE_MS = 250;
/** How long the page is left alone after the work before its resting level is read. */
const SETTLE_MS = 3_000;

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const mb = (bytes: number) => bytes / 2 ** 20;

export async function watchChromium<T>(browser: RealChromium, work: () => Promise<T>): Promise<{ result: T; memory: MemoryFigure }> {
  const before = sum(await browser.rssByType());
  const cpuBefore = await browser.cpuByType();
  let peak = before;
  const sampler = setInterval(async () => (peak = Math.max(peak, sum(await browser.rssByType()))), SAMPLE_MS);
  let result: T;
  try {
    result = await work();
  } finally {
    clearInterval(sampler);
  }
  const cpuAfter = await browser.cpuByType();
  peak = Math.max(peak, sum(await browser.rssByType()));
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const after = sum(await browser.rssByType());
  const spent = (type: string) => (cpuAfter[type] ?? 0) - (cpuBefore[type] ?? 0);
  const renderer = spent('renderer');
  const browserS = spent('browser');
  const other = sum(cpuAfter) - sum(cpuBefore) - renderer - browserS;
  return {
    result,
    memory: { beforeMb: mb(before), peakGrowthMb: mb(peak - before), afterGrowthMb: mb(after - before), cpuS: { renderer, browser: browserS, other } },
  };
}
