import { createResource, For, Show } from 'solid-js';
import { LabDeviceRow } from '../components/LabDeviceRow';
import { useStore } from '../store';
import { formatAge } from '../store/formatAge';
import { formatTime } from '../store/format';
import './lab.css';

/**
 * Every device that syncs to this NAS, from the files they write to `.exlab-sync/devices/` on it: what
 * needs attention first. Read-only. When the NAS cannot be read, the last copy read, and how old it is.
 */
export function LabPage() {
  const store = useStore();
  const [view, { refetch }] = createResource(
    () => store.ownership().status === 'owner',
    async (owner) => (owner ? store.device.lab() : null),
  );
  const value = () => {
    const r = view.latest;
    return r && r.ok ? r.value : null;
  };
  const nowMs = () => Date.parse(value()?.now ?? '') || Date.now();
  return (
    <>
      <div class="view-head">
        <h2 class="view-title">Lab</h2>
        <button type="button" class="push" disabled={view.loading} onClick={() => void refetch()}>
          Read again
        </button>
      </div>
      <p class="muted">
        Every device that syncs to this NAS writes its state to <code>.exlab-sync/devices/</code> there; this view reads them. It changes
        nothing.
      </p>
      <Show when={view.latest && !view.latest.ok ? view.latest : null}>
        {(r) => <p class="msg msg-error">{(r() as { error: { message: string } }).error.message}</p>}
      </Show>
      <Show when={value()}>
        {(v) => (
          <>
            <p
              class={v().unreachable ? 'banner banner-warn' : 'muted'}
              role="status"
              data-testid="lab-source"
              data-stale={String(!!v().unreachable)}
            >
              {v().unreachable
                ? v().readAt
                  ? `${v().unreachable} Shown: the copy read ${formatAge(nowMs() - Date.parse(v().readAt!))}, at ${formatTime(v().readAt)}.`
                  : `${v().unreachable} No copy has been read yet.`
                : `Read from the NAS at ${formatTime(v().readAt)}.`}
            </p>
            <Show when={v().ownFileProblem}>
              {(problem) => (
                <p class="banner banner-warn" role="alert" data-testid="lab-own-file-problem">
                  This device's state could not be written to the NAS: {problem()}
                </p>
              )}
            </Show>
            <ul class="lab-devices" data-testid="lab-devices">
              <For each={v().rows} fallback={<li class="empty">No device has written its state to this NAS yet.</li>}>
                {(row) => <LabDeviceRow row={row} nowMs={nowMs()} ownId={store.device.identity()?.id ?? null} />}
              </For>
            </ul>
          </>
        )}
      </Show>
    </>
  );
}
