import { For, Show } from 'solid-js';
import { formatBytes } from '../../shared/formatBytes';
import type { PickedFile } from '../store/pickedFiles';

const LIST_FILES_UP_TO = 20;

/** What was picked: where it came from, its size against the free space, and its files. */
export function PickedRunSummary(props: {
  files: PickedFile[];
  handedOver: boolean;
  totalBytes: number;
  freeBytes: number | null;
  tooBig: boolean;
}) {
  return (
    <>
      <Show when={props.handedOver && props.files.length}>
        <p class="hint" data-testid="handed-over">
          These files were handed over from another app or page. Check them and the run name: nothing is queued until you press Queue run.
        </p>
      </Show>
      <Show when={props.files.length}>
        <p data-testid="picked-summary" classList={{ 'msg-error': props.tooBig }}>
          {props.files.length} files, {formatBytes(props.totalBytes)}
          <Show when={props.freeBytes !== null}>; {formatBytes(props.freeBytes!)} free on this device</Show>
        </p>
        <Show when={props.tooBig}>
          <p class="msg msg-error" role="alert" data-testid="too-big">
            This run does not fit: it needs {formatBytes(props.totalBytes)} and the device has {formatBytes(props.freeBytes!)} free. Free
            some space (verified runs are cleaned up after their retention), then pick it again.
          </p>
        </Show>
        <details open={props.files.length <= LIST_FILES_UP_TO}>
          <summary>Files</summary>
          <ul class="picked">
            <For each={props.files}>{(f) => <li data-testid="picked-file">{f.relPath}</li>}</For>
          </ul>
        </details>
      </Show>
    </>
  );
}
