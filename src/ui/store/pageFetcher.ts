// One request per page at a time for the queue's virtual list (createJobWindow).

/**
 * Fetches pages one request per page at a time. `restart` (a new filter) makes every answer in flight
 * stale: `load` is told, through `current()`, whether its answer still counts.
 */
export function createPageFetcher(load: (page: number, current: () => boolean) => Promise<void>) {
  let generation = 0;
  const inFlight = new Set<number>();
  // Pages that changed while being fetched: the answer may predate the change, so they are fetched again.
  const stale = new Set<number>();

  async function fetch(page: number): Promise<void> {
    const gen = generation;
    if (inFlight.has(page)) {
      stale.add(page);
      return;
    }
    inFlight.add(page);
    try {
      await load(page, () => gen === generation);
    } finally {
      inFlight.delete(page);
      // Asked for again while this answer was on its way (the jobs changed, or a new filter made this
      // answer not count): fetched again now, under the current filter.
      if (stale.delete(page)) void fetch(page);
    }
  }

  return {
    fetch,
    loading: (page: number) => inFlight.has(page),
    restart: () => void generation++,
  };
}
