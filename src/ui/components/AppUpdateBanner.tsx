import { Show } from 'solid-js';
import { useStore } from '../store';

/** "Update ready": applied on the user's word, once no upload is in flight. */
export function AppUpdateBanner() {
  const store = useStore();
  return (
    <Show when={store.platform.updateReady()}>
      <div class="banner banner-warn" role="status" data-testid="update-ready">
        <p>{store.platform.updateWaiting() ?? 'A new version of exlab-sync is ready.'}</p>
        <button type="button" disabled={store.platform.updateWaiting() !== null} onClick={() => void store.platform.applyUpdate()}>
          Update now
        </button>
      </div>
    </Show>
  );
}
