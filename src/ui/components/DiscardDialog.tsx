import { createResource, createSignal, Show } from 'solid-js';
import type { SyncJobRow } from '../../worker/contract';
import { formatBytes } from '../../shared/formatBytes';
import { useStore } from '../store';
import { runName } from '../store/format';
import { FormMessage } from './FormMessage';

/**
 * "Discard" asks first and says exactly what goes: the run's files on this device and its job; the NAS
 * is never touched. A modal <dialog> traps focus and closes on Escape, as a confirm() would, but can say more.
 */
export function DiscardButton(props: { job: SyncJobRow; onDone?: () => void }) {
  const store = useStore();
  const [open, setOpen] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let dialog!: HTMLDialogElement;
  const [files] = createResource(open, async () => {
    const res = await store.files(props.job.id);
    return res.ok ? res.value : [];
  });
  const onDevice = () => (props.job.state === 'cleaned' ? [] : (files() ?? []));
  const bytes = () => onDevice().reduce((n, f) => n + f.size, 0);
  const uploaded = () => (files() ?? []).filter((f) => f.uploaded_at).length;

  function show() {
    setError(null);
    setOpen(true);
    dialog.showModal();
  }
  function close() {
    dialog.close();
    setOpen(false);
  }
  async function confirm() {
    const res = await store.discard(props.job.id);
    if (!res.ok) {
      setError(res.error.message);
      return;
    }
    close();
    props.onDone?.();
  }

  return (
    <>
      <button type="button" class="danger" onClick={show}>
        Discard
      </button>
      <dialog ref={dialog} class="dialog" aria-labelledby={`discard-title-${props.job.id}`} onClose={() => setOpen(false)}>
        <h2 id={`discard-title-${props.job.id}`}>Discard {runName(props.job)}?</h2>
        <DiscardSummary loading={files.loading} files={onDevice().length} bytes={bytes()} uploaded={uploaded()} />
        <FormMessage message={error() ? { kind: 'error', text: error()! } : null} />
        <div class="job-actions">
          <button type="button" onClick={close}>
            Keep the run
          </button>
          <button type="button" class="danger solid" onClick={() => void confirm()} disabled={files.loading}>
            Discard run
          </button>
        </div>
      </dialog>
    </>
  );
}

/** What a discard deletes on this device, and that the NAS keeps what it has. */
function DiscardSummary(props: { loading: boolean; files: number; bytes: number; uploaded: number }) {
  return (
    <Show when={!props.loading} fallback={<p>Counting the run's files…</p>}>
      <p data-testid="discard-what">
        {props.files
          ? `This deletes the run's ${props.files} file${props.files === 1 ? '' : 's'} (${formatBytes(props.bytes)}) from this device, and the job with its history.`
          : 'This deletes the job and its history. Its files are no longer on this device.'}
      </p>
      <p>
        {props.uploaded
          ? `Nothing is deleted on the NAS: the ${props.uploaded} file${props.uploaded === 1 ? '' : 's'} already there stay.`
          : 'Nothing is deleted on the NAS.'}{' '}
        This cannot be undone.
      </p>
    </Show>
  );
}
