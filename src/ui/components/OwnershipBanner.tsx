import { Match, Switch } from 'solid-js';
import { useStore } from '../store';

/** Says when another tab or window holds the queue, and offers to move it here. */
export function OwnershipBanner() {
  const store = useStore();
  return (
    <Switch>
      <Match when={store.ownership().status === 'starting'}>
        <p class="banner" role="status">
          Opening the queue…
        </p>
      </Match>
      <Match when={store.ownership().status === 'elsewhere'}>
        <div class="banner banner-warn" role="alert" data-testid="open-elsewhere">
          <p>exlab-sync is open in another tab or window. The queue is kept there; this tab takes over by itself when that one closes.</p>
          <button type="button" onClick={() => void store.takeOver()}>
            Use here
          </button>
        </div>
      </Match>
      <Match when={store.ownership().status === 'error'}>
        <p class="banner banner-error" role="alert">
          The queue could not be opened: {(store.ownership() as { message: string }).message}. Close other exlab-sync tabs and reload.
        </p>
      </Match>
    </Switch>
  );
}
