import { batch, createEffect, createSignal, on } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { JobFilter, SyncJobRow } from '../../worker/contract';
import type { QueueStore } from './createQueueStore';
import { createPageFetcher } from './pageFetcher';

const PAGE_ROWS = 100;

export interface JobWindow {
  /** How many jobs the filter matches; null until the first answer. */
  total: () => number | null;
  /** The job at this position of the filtered list, or undefined while its page loads. */
  row(index: number): SyncJobRow | undefined;
  /** Tell which positions are on screen: their pages are fetched, and kept fresh as jobs change. */
  show(first: number, last: number): void;
}

/**
 * The filtered list as the virtual list needs it: any window of it on demand, a page of 100 at a time,
 * refetched when the worker says jobs changed. Only pages near the screen are kept.
 */
export function createJobWindow(store: QueueStore, filter: () => JobFilter): JobWindow {
  const [total, setTotal] = createSignal<number | null>(null);
  const [pages, setPages] = createStore<Record<number, SyncJobRow[]>>({});
  let visible = { first: 0, last: 0 };
  const fetcher = createPageFetcher(async (page, current) => {
    const res = await store.listRange(filter(), page * PAGE_ROWS, PAGE_ROWS);
    if (!current() || !res.ok) return;
    store.loadSizes(res.value.jobs.map((j) => j.id));
    batch(() => {
      setTotal(res.value.total);
      setPages(page, reconcile(res.value.jobs, { key: 'id' }));
    });
  });

  // A new filter starts afresh; a change pushed by the worker refetches what is on screen and forgets the rest.
  createEffect(
    on(filter, () => {
      fetcher.restart();
      batch(() => {
        setPages(reconcile({}));
        setTotal(null);
      });
      visible = { first: 0, last: 0 };
      void fetcher.fetch(0);
    }),
  );
  createEffect(
    on(
      store.version,
      () => {
        const keep = new Set(pagesOf(visible));
        for (const key of Object.keys(pages)) if (!keep.has(Number(key))) setPages(Number(key), undefined!);
        for (const p of keep) void fetcher.fetch(p);
      },
      { defer: true },
    ),
  );

  return {
    total,
    row: (index) => pages[Math.floor(index / PAGE_ROWS)]?.[index % PAGE_ROWS],
    show(first, last) {
      visible = { first, last };
      for (const p of pagesOf(visible)) if (!pages[p] && !fetcher.loading(p)) void fetcher.fetch(p);
    },
  };
}

/** The pages that hold these positions. */
function pagesOf(visible: { first: number; last: number }): number[] {
  const first = Math.floor(visible.first / PAGE_ROWS);
  const last = Math.floor(visible.last / PAGE_ROWS);
  const out: number[] = [];
  for (let p = first; p <= last; p++) out.push(p);
  return out;
}
