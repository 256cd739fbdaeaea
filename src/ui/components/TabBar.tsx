import { For, Show } from 'solid-js';
import { useStore } from '../store';
import type { Route } from '../store/createRoute';

const TABS = [
  { view: 'queue', label: 'Queue' },
  { view: 'new', label: 'New run' },
  { view: 'problems', label: 'Problems' },
  { view: 'settings', label: 'Settings' },
  { view: 'lab', label: 'Lab' },
] as const;

/** The app's views; Problems carries the number of failed runs. */
export function TabBar(props: { route: Route }) {
  const store = useStore();
  const current = () => (props.route.view === 'job' ? 'queue' : props.route.view);
  return (
    <nav class="tabs" aria-label="Views">
      <For each={TABS}>
        {(tab) => (
          <a href={`#/${tab.view}`} class="tab" aria-current={current() === tab.view ? 'page' : undefined}>
            {tab.label}
            <Show when={tab.view === 'problems' && (store.counts()?.failed ?? 0) > 0}>
              <span class="tab-count" data-testid="problem-count">
                {store.counts()!.failed}
              </span>
            </Show>
          </a>
        )}
      </For>
    </nav>
  );
}
