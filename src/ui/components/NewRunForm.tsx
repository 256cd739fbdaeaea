import { createEffect, createSignal, For, Show } from 'solid-js';
import { formatBytes } from '../../shared/formatBytes';
import { useStore } from '../store';
import { directoryPicker, fromDataTransfer, fromDirectoryHandle, fromFileList, type PickedFile, type PickedRun } from '../store/pickedFiles';
import { rememberEquipment, recentEquipment } from '../store/recentEquipment';
import { EquipmentField } from './EquipmentField';
import { FormMessage, type Message } from './FormMessage';

const LIST_FILES_UP_TO = 20;

/** Pick a folder or files (or drop them), name the run, and hand it to the worker, which stores and queues it. */
export function NewRunForm() {
  const store = useStore();
  const [equipmentId, setEquipmentId] = createSignal(recentEquipment()[0] ?? '');
  const [runName, setRunName] = createSignal('');
  const [picked, setPicked] = createSignal<PickedFile[]>([]);
  const [copied, setCopied] = createSignal<{ done: number; total: number } | null>(null);
  const [message, setMessage] = createSignal<Message | null>(null);
  const [dragging, setDragging] = createSignal(false);
  // Files another app or site handed over (share target, "open with"): anyone can send them, so they are
  // only shown here; the technician checks them and presses Queue run.
  const [handedOver, setHandedOver] = createSignal(false);
  let folderInput!: HTMLInputElement;
  let filesInput!: HTMLInputElement;

  function take(run: PickedRun, fromElsewhere = false) {
    // The free space shown next to the run's size must be today's, not the last poll's.
    void store.platform.refreshStorage();
    setHandedOver(fromElsewhere);
    setPicked(run.files);
    if (run.folderName && !runName()) setRunName(run.folderName);
    setMessage(null);
  }

  // Files shared from another app, opened with the installed app, or dropped elsewhere on the page.
  createEffect(() => {
    if (store.platform.incoming()) take(store.platform.takeIncoming()!, true);
  });

  async function pickFolder() {
    const picker = directoryPicker();
    if (!picker) return folderInput.click();
    try {
      take(await fromDirectoryHandle(await picker()));
    } catch (err) {
      // The person closed the picker: nothing to do. Anything else is worth saying.
      if ((err as DOMException).name !== 'AbortError') setMessage({ kind: 'error', text: `The folder could not be read: ${(err as Error).message}` });
    }
  }

  const totalBytes = () => picked().reduce((n, f) => n + f.file.size, 0);
  const freeBytes = () => {
    const s = store.platform.storage();
    return s.quotaBytes === null || s.usageBytes === null ? null : Math.max(0, s.quotaBytes - s.usageBytes);
  };
  const tooBig = () => freeBytes() !== null && totalBytes() > freeBytes()!;

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setMessage(null);
    setCopied({ done: 0, total: totalBytes() });
    const name = runName();
    try {
      const res = await store.addRun({ equipmentId: equipmentId(), runName: name, files: picked() }, (done, total) => setCopied({ done, total }));
      if (res.ok) {
        rememberEquipment(res.value.equipment_id);
        setMessage({ kind: 'ok', text: `Queued ${name} (${picked().length} files)` });
        setPicked([]);
        setHandedOver(false);
        setRunName('');
        folderInput.value = '';
        filesInput.value = '';
      } else {
        setMessage({ kind: 'error', text: res.error.message });
      }
    } catch (err) {
      // Not a refusal but a fault (a picked file that can no longer be read, a bug): the worker kept
      // nothing of the run, so say so, and leave the form ready for another try.
      setMessage({ kind: 'error', text: `The run was not queued: ${(err as Error).message}. Nothing of it was kept; pick it again, then queue it.` });
    } finally {
      setCopied(null);
      void store.platform.refreshStorage();
    }
  }

  return (
    <form
      class="card new-run"
      classList={{ dragging: dragging() }}
      onSubmit={submit}
      aria-label="New run"
      onDragOver={(e) => {
        if (e.dataTransfer?.types.includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        e.stopPropagation();
        setDragging(false);
        if (e.dataTransfer) void fromDataTransfer(e.dataTransfer).then(take);
      }}
    >
      <div class="fields">
        <EquipmentField value={equipmentId()} onInput={setEquipmentId} />
        <label>
          Run name
          <input name="runName" value={runName()} onInput={(e) => setRunName(e.currentTarget.value)} required />
        </label>
      </div>
      <div class="drop-area" data-testid="drop-area">
        <p>Drop a run's folder or files here, or</p>
        <div class="job-actions">
          <button type="button" onClick={() => void pickFolder()}>
            Pick a folder
          </button>
          <button type="button" onClick={() => filesInput.click()}>
            Pick files
          </button>
        </div>
        <input
          ref={folderInput}
          class="visually-hidden"
          type="file"
          tabindex="-1"
          aria-label="Folder of the run"
          data-testid="pick-folder"
          {...{ webkitdirectory: true }}
          multiple
          onChange={(e) => take(fromFileList(e.currentTarget.files))}
        />
        <input
          ref={filesInput}
          class="visually-hidden"
          type="file"
          tabindex="-1"
          aria-label="Files of the run"
          data-testid="pick-files"
          multiple
          onChange={(e) => take(fromFileList(e.currentTarget.files))}
        />
      </div>
      <Show when={handedOver() && picked().length}>
        <p class="hint" data-testid="handed-over">
          These files were handed over from another app or page. Check them and the run name: nothing is queued until you press Queue run.
        </p>
      </Show>
      <Show when={picked().length}>
        <p data-testid="picked-summary" classList={{ 'msg-error': tooBig() }}>
          {picked().length} files, {formatBytes(totalBytes())}
          <Show when={freeBytes() !== null}>; {formatBytes(freeBytes()!)} free on this device</Show>
        </p>
        <Show when={tooBig()}>
          <p class="msg msg-error" role="alert" data-testid="too-big">
            This run does not fit: it needs {formatBytes(totalBytes())} and the device has {formatBytes(freeBytes()!)} free. Free some space
            (verified runs are cleaned up after their retention), then pick it again.
          </p>
        </Show>
        <details open={picked().length <= LIST_FILES_UP_TO}>
          <summary>Files</summary>
          <ul class="picked">
            <For each={picked()}>{(f) => <li data-testid="picked-file">{f.relPath}</li>}</For>
          </ul>
        </details>
      </Show>
      <Show when={copied()}>
        {(c) => (
          <div class="progress">
            <progress max={c().total || 1} value={c().done} aria-label="Copying the run onto this device" />
            <span>
              Copying onto this device: {formatBytes(c().done)} of {formatBytes(c().total)}
            </span>
          </div>
        )}
      </Show>
      <button type="submit" class="primary" disabled={!picked().length || tooBig() || copied() !== null || store.ownership().status !== 'owner'}>
        Queue run
      </button>
      <FormMessage message={message()} />
    </form>
  );
}
