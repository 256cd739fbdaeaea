import { For } from 'solid-js';
import { useStore } from '../store';

/** Search by run name and narrow to one equipment. */
export function QueueFilters(props: {
  search: string;
  onSearch: (text: string) => void;
  equipmentId: string;
  onEquipment: (id: string) => void;
}) {
  const store = useStore();
  return (
    <div class="fields filters" role="search">
      <label>
        Search run name
        <input type="search" name="search" value={props.search} onInput={(e) => props.onSearch(e.currentTarget.value)} />
      </label>
      <label>
        Equipment
        <select name="equipment" value={props.equipmentId} onChange={(e) => props.onEquipment(e.currentTarget.value)}>
          <option value="">All equipment</option>
          <For each={store.equipmentIds()}>{(id) => <option value={id}>{id}</option>}</For>
        </select>
      </label>
    </div>
  );
}
