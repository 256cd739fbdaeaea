import { createWindowVirtualizer } from '@tanstack/solid-virtual';
import { createEffect, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import type { JobWindow } from '../store/createJobWindow';
import { createNow } from '../store/createNow';
import { JobRow } from './JobRow';

const ROW_ESTIMATE_PX = 104;

/**
 * The filtered queue as a virtual list: only the rows on screen exist, so 100,000 jobs scroll smoothly.
 * The page itself scrolls (not a box inside it), so on a tablet the list has the whole screen.
 */
export function VirtualJobList(props: { window: JobWindow; label: string }) {
  const now = createNow();
  let list!: HTMLUListElement;
  const [offsetTop, setOffsetTop] = createSignal(0);
  const virtualizer = createWindowVirtualizer({
    get count() {
      return props.window.total() ?? 0;
    },
    estimateSize: () => ROW_ESTIMATE_PX,
    overscan: 6,
    get scrollMargin() {
      return offsetTop();
    },
  });

  // What sits above the list (banners, filters) changes height as the page lives; the list follows.
  onMount(() => {
    const measure = () => setOffsetTop(list.getBoundingClientRect().top + window.scrollY);
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    measure();
    onCleanup(() => observer.disconnect());
  });

  createEffect(() => {
    const items = virtualizer.getVirtualItems();
    if (items.length) props.window.show(items[0].index, items[items.length - 1].index);
  });

  return (
    <section class="list-card" aria-label={props.label}>
      <Show when={props.window.total() !== 0} fallback={<p class="empty card">No jobs match.</p>}>
        <ul ref={list} class="jobs virtual" data-testid="job-list" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          <For each={virtualizer.getVirtualItems()}>
            {(item) => (
              <li
                class="job-slot"
                data-index={item.index}
                ref={(el) => queueMicrotask(() => virtualizer.measureElement(el))}
                style={{ transform: `translateY(${item.start - offsetTop()}px)` }}
                aria-posinset={item.index + 1}
                aria-setsize={props.window.total() ?? 0}
              >
                <Show when={props.window.row(item.index)} fallback={<div class="job job-loading">Loading…</div>}>
                  {(job) => <JobRow job={job()} now={now()} />}
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
