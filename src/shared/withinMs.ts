/** What withinMs() gives for a wait it gave up on. */
export const TIMED_OUT = Symbol('timed out');

/**
 * The outcome of `promise`, or TIMED_OUT when `ms` pass first: for a read that may never answer (a
 * picked file's stream, a NAS that stops sending). The promise itself goes on; its outcome is dropped.
 */
export async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)));
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
