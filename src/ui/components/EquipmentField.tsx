import { createUniqueId, For } from 'solid-js';
import { useStore } from '../store';
import { recentEquipment } from '../store/recentEquipment';

/** The equipment id, offering the ones this tablet used last and those already in the queue. */
export function EquipmentField(props: { value: string; onInput: (value: string) => void }) {
  const store = useStore();
  // One datalist per form: two forms can be on the page at once.
  const listId = `equipment-${createUniqueId()}`;
  return (
    <label>
      Equipment id
      <input
        name="equipmentId"
        list={listId}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        autocomplete="off"
        required
      />
      <datalist id={listId}>
        <For each={[...new Set([...recentEquipment(), ...store.equipmentIds()])]}>{(id) => <option value={id} />}</For>
      </datalist>
    </label>
  );
}
