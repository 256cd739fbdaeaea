import { createEffect, createSignal, Show } from 'solid-js';
import { formatBytes } from '../../shared/formatBytes';
import { equipmentIdProblem, runNameProblem } from '../../shared/runInput';
import { type Store, useStore } from '../store';
import { directoryPicker, fromDataTransfer, fromDirectoryHandle, type PickedFile, type PickedRun } from '../store/pickedFiles';
import { rememberEquipment, recentEquipment } from '../store/recentEquipment';
import { EquipmentField } from './EquipmentField';
import { FormMessage, type Message } from './FormMessage';
import { PickedRunSummary } from './PickedRunSummary';
import { RunFilePicker } from './RunFilePicker';

/** Pick a folder or files (or drop them), name the run, and hand it to the worker, which stores and queues it. */
export function NewRunForm() {
  const store = useStore();
  const draft = createRunDraft(store);
  const drop = createDropTarget((run) => draft.take(run));
  let folderInput!: HTMLInputElement;
  let filesInput!: HTMLInputElement;

  // Files shared from another app, opened with the installed app, or dropped elsewhere on the page.
  createEffect(() => {
    if (store.platform.incoming()) draft.take(store.platform.takeIncoming()!, true);
  });

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    await draft.queue(() => {
      folderInput.value = '';
      filesInput.value = '';
    });
  }

  return (
    <form
      class="card new-run"
      classList={{ dragging: drop.dragging() }}
      onSubmit={submit}
      aria-label="New run"
      onDragOver={drop.onDragOver}
      onDragLeave={drop.onDragLeave}
      onDrop={drop.onDrop}
    >
      <RunNameFields draft={draft} />
      <RunFilePicker
        folderRef={(el) => (folderInput = el)}
        filesRef={(el) => (filesInput = el)}
        onPickFolder={() => void pickFolder(draft, folderInput)}
        onPickFiles={() => filesInput.click()}
        onPicked={(run) => draft.take(run)}
      />
      <PickedRunSummary
        files={draft.picked()}
        handedOver={draft.handedOver()}
        totalBytes={draft.totalBytes()}
        freeBytes={draft.freeBytes()}
        tooBig={draft.tooBig()}
      />
      <CopyProgress copied={draft.copied()} />
      <button
        type="submit"
        class="primary"
        disabled={!draft.picked().length || draft.tooBig() || draft.copied() !== null || store.ownership().status !== 'owner'}
      >
        Queue run
      </button>
      <FormMessage message={draft.message()} />
    </form>
  );
}

/** The equipment id and the run's name. */
function RunNameFields(props: { draft: RunDraft }) {
  return (
    <div class="fields">
      <EquipmentField value={props.draft.equipmentId()} onInput={props.draft.setEquipmentId} />
      <label>
        Run name
        <input name="runName" value={props.draft.runName()} onInput={(e) => props.draft.setRunName(e.currentTarget.value)} required />
      </label>
    </div>
  );
}

/** The run being put together: equipment, name and files, until the worker has stored and queued it. */
function createRunDraft(store: Store) {
  const [equipmentId, setEquipmentId] = createSignal(recentEquipment()[0] ?? '');
  const [runName, setRunName] = createSignal('');
  const [picked, setPicked] = createSignal<PickedFile[]>([]);
  const [copied, setCopied] = createSignal<{ done: number; total: number } | null>(null);
  const [message, setMessage] = createSignal<Message | null>(null);
  // Files another app or site handed over (share target, "open with"): anyone can send them, so they are
  // only shown here; the technician checks them and presses Queue run.
  const [handedOver, setHandedOver] = createSignal(false);

  function take(run: PickedRun, fromElsewhere = false) {
    // The free space shown next to the run's size must be today's, not the last poll's.
    void store.platform.refreshStorage();
    setHandedOver(fromElsewhere);
    setPicked(run.files);
    if (run.folderName && !runName()) setRunName(run.folderName);
    setMessage(null);
  }

  const { totalBytes, freeBytes, tooBig } = runSize(store, picked);

  /** Hand the run to the worker; `onQueued` runs once it is stored and queued. */
  async function queue(onQueued: () => void) {
    const name = runName();
    // The worker's own rule (shared/runInput.ts), told before any file is copied.
    const problem = equipmentIdProblem(equipmentId()) ?? runNameProblem(name);
    setMessage(problem ? { kind: 'error', text: problem } : null);
    if (problem) return;
    setCopied({ done: 0, total: totalBytes() });
    try {
      const res = await store.addRun({ equipmentId: equipmentId(), runName: name, files: picked() }, (done, total) =>
        setCopied({ done, total }),
      );
      if (res.ok) {
        rememberEquipment(res.value.equipment_id);
        setMessage({ kind: 'ok', text: `Queued ${name} (${picked().length} files)` });
        setPicked([]);
        setHandedOver(false);
        setRunName('');
        onQueued();
      } else {
        setMessage({ kind: 'error', text: res.error.message });
      }
    } catch (err) {
      // The form is left ready for another try.
      setMessage(faultMessage(err));
    } finally {
      setCopied(null);
      void store.platform.refreshStorage();
    }
  }

  return {
    equipmentId,
    setEquipmentId,
    runName,
    setRunName,
    picked,
    copied,
    message,
    setMessage,
    handedOver,
    take,
    totalBytes,
    freeBytes,
    tooBig,
    queue,
  };
}

type RunDraft = ReturnType<typeof createRunDraft>;

/** The picked run's size against the device's free space, which decides whether it may be queued. */
function runSize(store: Store, picked: () => PickedFile[]) {
  const totalBytes = () => picked().reduce((n, f) => n + f.file.size, 0);
  const freeBytes = () => {
    const s = store.platform.storage();
    return s.quotaBytes === null || s.usageBytes === null ? null : Math.max(0, s.quotaBytes - s.usageBytes);
  };
  const tooBig = () => freeBytes() !== null && totalBytes() > freeBytes()!;
  return { totalBytes, freeBytes, tooBig };
}

/** Not a refusal but a fault (a picked file that can no longer be read, a bug): the worker kept nothing. */
function faultMessage(err: unknown): Message {
  return {
    kind: 'error',
    text: `The run was not queued: ${(err as Error).message}. Nothing of it was kept; pick it again, then queue it.`,
  };
}

/** The browser's folder picker where it has one (desktop Chromium), else the folder <input>'s. */
async function pickFolder(draft: RunDraft, folderInput: HTMLInputElement): Promise<void> {
  const picker = directoryPicker();
  if (!picker) return folderInput.click();
  try {
    draft.take(await fromDirectoryHandle(await picker()));
  } catch (err) {
    // The person closed the picker: nothing to do. Anything else is worth saying.
    if ((err as DOMException).name !== 'AbortError')
      draft.setMessage({ kind: 'error', text: `The folder could not be read: ${(err as Error).message}` });
  }
}

/** The form as a drop target: it shows when files are dragged over it and takes them itself. */
function createDropTarget(onRun: (run: PickedRun) => void) {
  const [dragging, setDragging] = createSignal(false);
  return {
    dragging,
    onDragOver(e: DragEvent) {
      if (e.dataTransfer?.types.includes('Files')) {
        e.preventDefault();
        setDragging(true);
      }
    },
    onDragLeave: () => setDragging(false),
    onDrop(e: DragEvent) {
      e.preventDefault();
      e.stopPropagation();
      setDragging(false);
      if (e.dataTransfer) void fromDataTransfer(e.dataTransfer).then(onRun);
    },
  };
}

function CopyProgress(props: { copied: { done: number; total: number } | null }) {
  return (
    <Show when={props.copied}>
      {(c) => (
        <div class="progress">
          <progress max={c().total || 1} value={c().done} aria-label="Copying the run onto this device" />
          <span>
            Copying onto this device: {formatBytes(c().done)} of {formatBytes(c().total)}
          </span>
        </div>
      )}
    </Show>
  );
}
