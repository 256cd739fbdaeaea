import { createSignal } from 'solid-js';
import { useStore } from '../store';
import { rememberEquipment, recentEquipment } from '../store/recentEquipment';
import { EquipmentField } from './EquipmentField';
import { FormMessage, type Message } from './FormMessage';

/** Equipment id and run path in, one QUEUED job out; refusals are shown next to the button. */
export function EnqueueForm() {
  const store = useStore();
  const [equipmentId, setEquipmentId] = createSignal(recentEquipment()[0] ?? '');
  const [runPath, setRunPath] = createSignal('');
  const [message, setMessage] = createSignal<Message | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    const res = await store.enqueue({ equipmentId: equipmentId(), runPath: runPath() });
    setBusy(false);
    if (res.ok) {
      rememberEquipment(res.value.equipment_id);
      setMessage({ kind: 'ok', text: `Queued ${res.value.run_path}` });
      setRunPath('');
    } else {
      setMessage({ kind: 'error', text: res.error.message });
    }
  }

  return (
    <form class="card enqueue" onSubmit={submit} aria-label="Queue a run by path">
      <div class="fields">
        <EquipmentField value={equipmentId()} onInput={setEquipmentId} />
        <label>
          Run path
          <input
            name="runPath"
            value={runPath()}
            onInput={(e) => setRunPath(e.currentTarget.value)}
            placeholder="/runs/2025-01-01/sample-7"
            autocomplete="off"
            required
          />
        </label>
        <button type="submit" class="primary" disabled={busy() || store.ownership().status !== 'owner'}>
          Queue run
        </button>
      </div>
      <FormMessage message={message()} />
    </form>
  );
}
