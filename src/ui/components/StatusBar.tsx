import { Show } from 'solid-js';
import type { EngineStatus } from '../../worker/contract';
import { formatBytes } from '../../shared/formatBytes';
import { isUnencrypted } from '../../shared/nasUrl';
import { useStore } from '../store';
import type { StorageInfo } from '../store/createPlatformStore';

/** Online or not, the NAS reachable or not, syncing or paused (with the switch), and device storage. */
export function StatusBar() {
  const store = useStore();
  // The engine's own word, so a pause set from anywhere (another form, the API) shows here.
  const paused = () => store.engine()?.paused ?? store.settings()?.paused ?? false;
  return (
    <div class="status-bar" data-testid="status-bar">
      <Show when={store.engine()}>
        {(e) => <EngineStatusLine status={e()} unencrypted={isUnencrypted(store.settings()?.nasUrl ?? '')} />}
      </Show>
      <Show when={store.engine()}>
        <SyncSwitch paused={paused()} onToggle={() => void store.updateSettings({ paused: !paused() })} />
      </Show>
      <StorageStatus storage={store.platform.storage()} />
    </div>
  );
}

function nasWords(e: { nasReachable: boolean | null }): string {
  return e.nasReachable === false ? 'NAS unreachable' : e.nasReachable ? 'NAS reachable' : 'NAS not tried yet';
}

function EngineStatusLine(props: { status: EngineStatus; unencrypted: boolean }) {
  return (
    <p class="status-items" role="status" data-testid="engine-status">
      <span class="pill" data-ok={props.status.online}>
        {props.status.online ? 'Online' : 'Offline'}
      </span>
      <span class="pill" data-ok={props.status.nasReachable !== false}>
        {nasWords(props.status)}
      </span>
      <Show when={props.unencrypted}>
        <span
          class="pill"
          data-ok="false"
          data-testid="unencrypted-status"
          title="The NAS URL uses http://: nothing sent to it is encrypted."
        >
          NAS link not encrypted (http)
        </span>
      </Show>
      <span class="pill" data-testid="engine-waiting">
        {props.status.waitingFor ?? (props.status.activeJobs.length ? `Syncing ${props.status.activeJobs.length} run(s)` : 'Idle')}
      </span>
      <Show when={props.status.engineError}>
        {(message) => (
          <span class="pill" data-ok="false" data-testid="engine-error">
            {message()}
          </span>
        )}
      </Show>
    </p>
  );
}

function SyncSwitch(props: { paused: boolean; onToggle: () => void }) {
  return (
    <button
      type="button"
      role="switch"
      class="switch"
      aria-checked={!props.paused}
      data-testid="sync-switch"
      onClick={() => props.onToggle()}
    >
      <span class="switch-track" aria-hidden="true" />
      Sync {props.paused ? 'paused' : 'on'}
    </button>
  );
}

function StorageStatus(props: { storage: StorageInfo }) {
  const s = () => props.storage;
  return (
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
  );
}
