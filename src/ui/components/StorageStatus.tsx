import { Show } from 'solid-js';
import { formatBytes } from '../../worker/errors';
import { useStore } from '../store';

/** Device storage used and available, and whether the browser promised to keep it. */
export function StorageStatus() {
  const store = useStore();
  const s = () => store.platform.storage();
  return (
    <p class="status-bar" data-testid="storage-status">
      <Show when={s().quotaBytes !== null}>
        <span>
          Storage: {formatBytes(s().usageBytes ?? 0)} of {formatBytes(s().quotaBytes ?? 0)} used
        </span>
      </Show>
      <Show when={s().persisted !== null}>
        <span data-testid="storage-persisted" data-persisted={String(s().persisted)}>
          {s().persisted
            ? 'Storage is persistent'
            : 'Storage is not persistent: the browser may clear queued runs when the device runs low on space. Install the app to keep them.'}
        </span>
      </Show>
    </p>
  );
}
