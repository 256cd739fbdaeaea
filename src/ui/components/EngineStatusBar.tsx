import { Show } from 'solid-js';
import { useStore } from '../store';

/** Online or not, the NAS reachable or not, and what the engine waits for. */
export function EngineStatusBar() {
  const store = useStore();
  return (
    <Show when={store.engine()}>
      {(e) => (
        <p class="status-bar" role="status" data-testid="engine-status">
          <span>{e().online ? 'Online' : 'Offline'}</span>
          <span>{e().nasReachable === false ? 'NAS unreachable' : e().nasReachable ? 'NAS reachable' : 'NAS not tried yet'}</span>
          <span>{e().waitingFor ?? (e().activeJobs.length ? `Syncing ${e().activeJobs.length} run(s)` : 'Idle')}</span>
        </p>
      )}
    </Show>
  );
}
