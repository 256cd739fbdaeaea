import type { RealChromium } from '../../test/support/launchChromium.ts';

// Chromium's resident memory (every process of the browser, from /proc) around one piece of work.

export interface MemoryFigure {
  /** Before the work, in MiB. */
  beforeMb: number;
  /** The highest level during the work, above `beforeMb`. */
  peakGrowthMb: number;
  /** The level once the work is done and the page has settled, above `beforeMb`. */
  afterGrowthMb: number;
}

const SAMPLE_MS = 250;
/** How long the page is left alone after the work before its resting level is read. */
const SETTLE_MS = 3_000;

const totalBytes = async (browser: RealChromium) => Object.values(await browser.rssByType()).reduce((a, b) => a + b, 0);
const mb = (bytes: number) => bytes / 2 ** 20;

export async function watchMemory<T>(browser: RealChromium, work: () => Promise<T>): Promise<{ result: T; memory: MemoryFigure }> {
  const before = await totalBytes(browser);
  let peak = before;
  const sampler = setInterval(async () => (peak = Math.max(peak, await totalBytes(browser))), SAMPLE_MS);
  let result: T;
  try {
    result = await work();
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, await totalBytes(browser));
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const after = await totalBytes(browser);
  return { result, memory: { beforeMb: mb(before), peakGrowthMb: mb(peak - before), afterGrowthMb: mb(after - before) } };
}
