import { createEffect, createSignal, For, Show } from 'solid-js';
import { formatBytes } from '../../worker/errors';
import { useStore } from '../store';
import { FormMessage, type Message } from './FormMessage';

interface Picked {
  relPath: string;
  file: File;
}

/** Pick a folder or files, name the run, and hand it to the worker, which stores it and queues it. */
export function NewRunForm() {
  const store = useStore();
  const [equipmentId, setEquipmentId] = createSignal(localStorage.getItem('exlab.equipmentId') ?? '');
  const [runName, setRunName] = createSignal('');
  const [picked, setPicked] = createSignal<Picked[]>([]);
  const [copied, setCopied] = createSignal<{ done: number; total: number } | null>(null);
  const [message, setMessage] = createSignal<Message | null>(null);
  let folderInput!: HTMLInputElement;
  let filesInput!: HTMLInputElement;

  function pick(list: FileList | null) {
    const files = [...(list ?? [])].map((file) => ({ relPath: file.webkitRelativePath || file.name, file }));
    // A picked folder arrives as "<folder>/<path>"; the folder's name is the run's default name.
    const top = files[0]?.relPath.includes('/') ? files[0].relPath.split('/')[0] : '';
    const inFolder = top && files.every((f) => f.relPath.startsWith(`${top}/`));
    setPicked(inFolder ? files.map((f) => ({ ...f, relPath: f.relPath.slice(top.length + 1) })) : files);
    if (inFolder && !runName()) setRunName(top);
    setMessage(null);
  }

  // Files shared from another app, or opened with the installed app, arrive here.
  createEffect(() => {
    if (store.platform.incoming().length) {
      const files = store.platform.takeIncoming();
      setPicked(files.map((file) => ({ relPath: file.name, file })));
      setMessage(null);
    }
  });

  const totalBytes = () => picked().reduce((n, f) => n + f.file.size, 0);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setMessage(null);
    setCopied({ done: 0, total: totalBytes() });
    const res = await store.addRun({ equipmentId: equipmentId(), runName: runName(), files: picked() }, (done, total) =>
      setCopied({ done, total }),
    );
    setCopied(null);
    if (res.ok) {
      localStorage.setItem('exlab.equipmentId', res.value.equipment_id);
      setMessage({ kind: 'ok', text: `Queued ${runName()} (${picked().length} files)` });
      setPicked([]);
      setRunName('');
      folderInput.value = '';
      filesInput.value = '';
    } else {
      setMessage({ kind: 'error', text: res.error.message });
    }
  }

  return (
    <form class="card" onSubmit={submit} aria-label="New run">
      <h2>New run</h2>
      <div class="fields">
        <label>
          Equipment id
          <input name="equipmentId" value={equipmentId()} onInput={(e) => setEquipmentId(e.currentTarget.value)} required />
        </label>
        <label>
          Run name
          <input name="runName" value={runName()} onInput={(e) => setRunName(e.currentTarget.value)} required />
        </label>
      </div>
      <div class="fields pickers">
        <label class="picker">
          Pick a folder
          <input ref={folderInput} type="file" data-testid="pick-folder" {...{ webkitdirectory: true }} multiple onChange={(e) => pick(e.currentTarget.files)} />
        </label>
        <label class="picker">
          Pick files
          <input ref={filesInput} type="file" data-testid="pick-files" multiple onChange={(e) => pick(e.currentTarget.files)} />
        </label>
      </div>
      <Show when={picked().length}>
        <p data-testid="picked-summary">
          {picked().length} files, {formatBytes(totalBytes())}
        </p>
        <details open={picked().length <= 20}>
          <summary>Files</summary>
          <ul class="picked">
            <For each={picked()}>{(f) => <li data-testid="picked-file">{f.relPath}</li>}</For>
          </ul>
        </details>
      </Show>
      <Show when={copied()}>
        {(c) => (
          <progress max={c().total || 1} value={c().done} aria-label="Copying the run onto this device">
            {c().done}
          </progress>
        )}
      </Show>
      <button type="submit" disabled={!picked().length || copied() !== null || store.ownership().status !== 'owner'}>
        Queue run
      </button>
      <FormMessage message={message()} />
    </form>
  );
}
