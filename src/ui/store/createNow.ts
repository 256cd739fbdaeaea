import { createSignal, onCleanup } from 'solid-js';

/** A clock for countdowns on screen ("retrying in 25 s"); it reads nothing from the worker. */
export function createNow(intervalMs = 1000): () => number {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), intervalMs);
  onCleanup(() => clearInterval(timer));
  return now;
}
