import { createSignal, Show } from 'solid-js';
import { useStore } from '../store';
import { FormMessage, type Message } from './FormMessage';

/** This device's name: in the header, in each run's claim on the NAS, and in every device's Lab view. */
export function DeviceNameField() {
  const store = useStore();
  const [typed, setTyped] = createSignal<string | null>(null);
  const [message, setMessage] = createSignal<Message | null>(null);

  async function save(event: SubmitEvent) {
    event.preventDefault();
    const res = await store.device.rename(typed() ?? store.device.identity()?.name ?? '');
    setMessage(res.ok ? { kind: 'ok', text: `This device is now called "${res.value.name}"` } : { kind: 'error', text: res.error.message });
    if (res.ok) setTyped(null);
  }

  return (
    <Show when={store.device.identity()}>
      {(identity) => (
        <form class="card" onSubmit={(e) => void save(e)} aria-label="Device name">
          <div class="fields">
            <label>
              <span id="device-name-label">Device name</span>
              <input
                name="deviceName"
                value={typed() ?? identity().name}
                aria-labelledby="device-name-label"
                aria-describedby="device-name-hint"
                onInput={(e) => setTyped(e.currentTarget.value)}
              />
              <span id="device-name-hint" class="hint">
                Shown in the header, written into each run's claim on the NAS and in the Lab view of every device. Device id:{' '}
                {identity().id}
              </span>
            </label>
            <button type="submit">Save name</button>
          </div>
          <FormMessage message={message()} />
        </form>
      )}
    </Show>
  );
}
