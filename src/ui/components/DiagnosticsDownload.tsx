import { createSignal } from 'solid-js';
import { useStore } from '../store';
import { FormMessage, type Message } from './FormMessage';

/**
 * "Download diagnostics": one JSON file the lab's IT can read (the app's version, the browser, settings
 * without the password, the engine, counts per state, the last history lines, storage). The worker
 * gathers it; the page adds its own version and saves the file.
 */
export function DiagnosticsDownload() {
  const store = useStore();
  const [message, setMessage] = createSignal<Message | null>(null);

  async function download() {
    const res = await store.diagnostics();
    if (!res.ok) return setMessage({ kind: 'error', text: res.error.message });
    const report = { app: 'exlab-sync', appVersion: __APP_VERSION__, ...res.value };
    const url = URL.createObjectURL(new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `exlab-sync-diagnostics-${report.createdAt.slice(0, 19).replace(/:/g, '-')}.json`;
    a.click();
    // The click has handed the file to the browser's download; the URL is not needed after.
    setTimeout(() => URL.revokeObjectURL(url), 0);
    setMessage({ kind: 'ok', text: `Saved ${a.download}` });
  }

  return (
    <section class="card" aria-label="Diagnostics">
      <h3>Support</h3>
      <p class="hint">
        A file for the lab's IT: this app's version and settings (never the password), what it is doing and its recent history.
      </p>
      <button type="button" onClick={() => void download()}>
        Download diagnostics
      </button>
      <FormMessage message={message()} />
    </section>
  );
}
