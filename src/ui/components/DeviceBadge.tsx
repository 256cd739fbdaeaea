import { Show } from 'solid-js';
import { useStore } from '../store';

/** This device's name, in the header: which tablet this is, as the Lab view and the NAS name it. */
export function DeviceBadge() {
  const store = useStore();
  return (
    <Show when={store.device.identity()}>
      {(identity) => (
        <span class="device-badge" data-testid="device-name" title="This device's name (Settings)">
          {identity().name}
        </span>
      )}
    </Show>
  );
}
