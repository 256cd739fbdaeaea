import { createSignal } from 'solid-js';
import type { SyncJobState } from '../../shared/state';
import { QueueFilters, StateSummary, VirtualJobList } from '../components';
import { useStore } from '../store';
import { createJobWindow } from '../store/createJobWindow';

const SEARCH_DEBOUNCE_MS = 200;

/** Every job, newest first, with counts per state, filters and search. */
export function QueuePage() {
  const store = useStore();
  const [state, setState] = createSignal<SyncJobState | null>(null);
  const [equipmentId, setEquipmentId] = createSignal('');
  const [searchText, setSearchText] = createSignal('');
  const [search, setSearch] = createSignal('');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const window = createJobWindow(store, () => ({
    state: state() ?? undefined,
    equipmentId: equipmentId() || undefined,
    search: search() || undefined,
  }));

  return (
    <>
      <h2 class="view-title">Queue</h2>
      <StateSummary state={state()} onState={setState} />
      <QueueFilters
        search={searchText()}
        onSearch={(text) => {
          setSearchText(text);
          clearTimeout(timer);
          timer = setTimeout(() => setSearch(text.trim()), SEARCH_DEBOUNCE_MS);
        }}
        equipmentId={equipmentId()}
        onEquipment={setEquipmentId}
      />
      <p class="list-count" data-testid="list-count" aria-live="polite">
        {window.total() === null ? 'Loading…' : `${window.total()!.toLocaleString('en')} ${window.total() === 1 ? 'job' : 'jobs'}`}
      </p>
      <VirtualJobList window={window} label="Jobs" />
    </>
  );
}
