import type { EngineDeps, Progress } from './deps';

// The progress meter: bytes done of a job's phase, and the rate, reported a few times a second at most.

const PROGRESS_INTERVAL_MS = 250;

/** Report `bytesDone`; dropped when the last report is under PROGRESS_INTERVAL_MS old unless `force`. */
export type ProgressMeter = (bytesDone: number, force?: boolean) => void;

export function progressMeter(
  deps: Pick<EngineDeps, 'clock' | 'onProgress'>,
  jobId: string,
  phase: Progress['phase'],
  bytesTotal: number,
): ProgressMeter {
  const started = deps.clock.now();
  let last = 0;
  return (bytesDone, force = false) => {
    const now = deps.clock.now();
    if (!force && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    const seconds = Math.max((now - started) / 1000, 0.001);
    deps.onProgress?.({ jobId, phase, bytesDone, bytesTotal, bytesPerSecond: bytesDone / seconds });
  };
}
