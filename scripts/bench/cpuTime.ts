// The CPU time Chromium spends on one piece of work, by kind of process (from /proc).

export interface CpuSeconds {
  /** The renderer: the page and the app's worker. */
  renderer: number;
  /** The browser process: file system, blob and network plumbing between the others. */
  browser: number;
  /** The network service, the GPU process and the rest. */
  other: number;
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

export async function timeCpu<T>(
  browser: { cpuByType(): Record<string, number> },
  work: () => Promise<T>,
): Promise<{ result: T; cpu: CpuSeconds }> {
  const before = browser.cpuByType();
  const result = await work();
  const after = browser.cpuByType();
  const spent = (type: string) => (after[type] ?? 0) - (before[type] ?? 0);
  const renderer = spent('renderer');
  const browserS = spent('browser');
  return { result, cpu: { renderer, browser: browserS, other: sum(after) - sum(before) - renderer - browserS } };
}
