import { Show } from 'solid-js';
import { formatBytes } from '../../shared/formatBytes';
import { useStore } from '../store';

/** Online or not, the NAS reachable or not, syncing or paused (with the switch), and device storage. */
export function StatusBar() {
  const store = useStore();
  const s = () => store.platform.storage();
  // The engine's own word, so a pause set from anywhere (another form, the API) shows here.
  const paused = () => store.engine()?.paused ?? store.settings()?.paused ?? false;
  const nas = (e: { nasReachable: boolean | null }) =>
    e.nasReachable === false ? 'NAS unreachable' : e.nasReachable ? 'NAS reachable' : 'NAS not tried yet';
  return (
    <div class="status-bar" data-testid="status-bar">
      <Show when={store.engine()}>
        {(e) => (
          <p class="status-items" role="status" data-testid="engine-status">
            <span class="pill" data-ok={e().online}>
              {e().online ? 'Online' : 'Offline'}
            </span>
            <span class="pill" data-ok={e().nasReachable !== false}>
              {nas(e())}
            </span>
            <span class="pill">{e().waitingFor ?? (e().activeJobs.length ? `Syncing ${e().activeJobs.length} run(s)` : 'Idle')}</span>
            <Show when={e().engineError}>
              {(message) => (
                <span class="pill" data-ok="false" data-testid="engine-error">
                  {message()}
                </span>
              )}
            </Show>
          </p>
        )}
      </Show>
      <Show when={store.engine()}>
        <button
          type="button"
          role="switch"
          class="switch"
          aria-checked={!paused()}
          data-testid="sync-switch"
          onClick={() => void store.updateSettings({ paused: !paused() })}
        >
          <span class="switch-track" aria-hidden="true" />
          Sync {paused() ? 'paused' : 'on'}
        </button>
      </Show>
      <div class="storage" data-testid="storage-status">
        <Show when={s().quotaBytes !== null}>
          <label class="gauge">
            <span>
              Storage {formatBytes(s().usageBytes ?? 0)} of {formatBytes(s().quotaBytes ?? 0)}
            </span>
            <meter min="0" max={s().quotaBytes ?? 1} value={s().usageBytes ?? 0} high={(s().quotaBytes ?? 1) * 0.8} optimum={0} />
          </label>
        </Show>
        <Show when={s().persisted !== null}>
          <span data-testid="storage-persisted" data-persisted={String(s().persisted)} class="muted">
            {s().persisted
              ? 'Storage is persistent'
              : 'Storage is not persistent: the browser may clear queued runs when the device runs low on space. Install the app to keep them.'}
          </span>
        </Show>
      </div>
    </div>
  );
}
