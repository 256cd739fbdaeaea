import { For, Show } from 'solid-js';
import type { Attention, DeviceReport, LabRow } from '../../worker/contract';
import { formatBytes } from '../../shared/formatBytes';
import { ALL_STATES, type SyncJobState } from '../../shared/state';
import { parseInstant } from '../../shared/time';
import { formatAge } from '../store/formatAge';
import { STATE_LABELS, formatTime } from '../store/format';

/** One device of the Lab view: what needs attention first, then its facts in words. */
export function LabDeviceRow(props: { row: LabRow; nowMs: number; ownId: string | null }) {
  return (
    <li class="card lab-device" data-testid="lab-device" data-file={props.row.file} data-attention={props.row.attention.join(' ')}>
      <Show
        when={props.row.report}
        fallback={
          <>
            <h3 class="run-name">{props.row.file}</h3>
            <p class="reason" data-testid="lab-unreadable">
              This device file cannot be read: {props.row.problem}. It is left on the NAS as it is; the device that wrote it may run another
              version of the app.
            </p>
          </>
        }
      >
        {(report) => (
          <DeviceFacts report={report()} attention={props.row.attention} nowMs={props.nowMs} own={report().deviceId === props.ownId} />
        )}
      </Show>
    </li>
  );
}

const ago = (iso: string, nowMs: number) => `${formatTime(iso)} (${formatAge(nowMs - parseInstant(iso))})`;
const runs = (n: number) => `${n} run${n === 1 ? '' : 's'}`;

function attentionWords(a: Attention, r: DeviceReport, nowMs: number): string {
  if (a === 'unsynced-old') return `Runs not synced for more than a day: the oldest was queued ${ago(r.oldestUnsyncedAt!, nowMs)}`;
  if (a === 'failures') return `${runs(r.failed.total)} failed: see below for why and what to do on the device`;
  if (a === 'storage-full') return `Storage nearly full: ${percentUsed(r)} % used`;
  if (a === 'not-seen') return `Not seen since ${ago(r.writtenAt, nowMs)}`;
  return 'This device file cannot be read';
}

const percentUsed = (r: DeviceReport) => Math.round(((r.storage.usedBytes ?? 0) / (r.storage.quotaBytes || 1)) * 100);

function DeviceFacts(props: { report: DeviceReport; attention: Attention[]; nowMs: number; own: boolean }) {
  const r = () => props.report;
  const states = () => ALL_STATES.filter((s) => r().states[s].runs > 0);
  return (
    <>
      <h3 class="run-name" data-testid="lab-device-name">
        {r().deviceName}
        <Show when={props.own}>
          <span class="badge lab-own"> This device</span>
        </Show>
      </h3>
      <Show when={props.attention.length}>
        <ul class="lab-attention" aria-label="Needs attention">
          <For each={props.attention}>{(a) => <li data-attention={a}>{attentionWords(a, r(), props.nowMs)}</li>}</For>
        </ul>
      </Show>
      <dl class="job-facts">
        <Fact label="Last seen" testId="lab-last-seen" value={ago(r().writtenAt, props.nowMs)} />
        <Fact label="Last sync" value={r().lastSyncAt ? ago(r().lastSyncAt!, props.nowMs) : 'never'} />
        <For each={states()} fallback={<Fact label="Runs" value="none" />}>
          {(s: SyncJobState) => (
            <Fact
              label={STATE_LABELS[s]}
              testId={`lab-state-${s}`}
              value={`${runs(r().states[s].runs)}, ${formatBytes(r().states[s].bytes)}`}
            />
          )}
        </For>
        <Show when={r().oldestUnsyncedAt}>{(at) => <Fact label="Oldest run not synced" value={`queued ${ago(at(), props.nowMs)}`} />}</Show>
        <Fact label="Storage" value={storageWords(r())} />
        <Fact label="App version" value={r().appVersion} />
      </dl>
      <Show when={r().lastError}>
        {(e) => (
          <dl class="job-facts last-error">
            <Fact label="Last error" value={`${e().message}${e().at ? ` (${formatTime(e().at)})` : ''}`} />
          </dl>
        )}
      </Show>
      <Show when={r().failed.runs.length}>
        <details class="lab-failed">
          <summary>
            Failed runs ({r().failed.total}
            {r().failed.total > r().failed.runs.length ? `, the latest ${r().failed.runs.length} listed` : ''})
          </summary>
          <ul>
            <For each={r().failed.runs}>
              {(f) => (
                <li>
                  <span class="run-name">{f.runName}</span> <span class="equipment">{f.equipmentId}</span>: {f.reason}
                </li>
              )}
            </For>
          </ul>
        </details>
      </Show>
    </>
  );
}

function storageWords(r: DeviceReport): string {
  const { usedBytes, quotaBytes, persistent } = r.storage;
  const used =
    usedBytes !== null && quotaBytes ? `${formatBytes(usedBytes)} of ${formatBytes(quotaBytes)} used (${percentUsed(r)} %)` : 'not known';
  const kept = persistent === null ? '' : persistent ? '; persistent' : '; not persistent (the browser may clear it)';
  return used + kept;
}

function Fact(props: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd data-testid={props.testId}>{props.value}</dd>
    </div>
  );
}
