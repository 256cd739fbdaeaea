import { createResource, createSignal, Show } from 'solid-js';
import type { Diagnosis, Settings } from '../../worker/api';
import { useStore } from '../store';
import { FormMessage, type Message } from './FormMessage';

/** The NAS and sync settings, kept by the worker; "Test connection" shows the engine's diagnosis. */
export function SettingsPanel() {
  const store = useStore();
  const [loaded] = createResource(
    () => store.ownership().status === 'owner',
    async (owner) => (owner ? (await store.getSettings()) : null),
  );
  const [draft, setDraft] = createSignal<Partial<Settings>>({});
  const [message, setMessage] = createSignal<Message | null>(null);
  const [diagnosis, setDiagnosis] = createSignal<Diagnosis | null>(null);

  const current = (): Settings | null => {
    const r = loaded();
    return r && r.ok ? { ...r.value, ...draft() } : null;
  };
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => setDraft({ ...draft(), [key]: value });

  async function save(event: SubmitEvent) {
    event.preventDefault();
    const res = await store.updateSettings(draft());
    setMessage(res.ok ? { kind: 'ok', text: 'Settings saved' } : { kind: 'error', text: res.error.message });
    if (res.ok) setDraft({});
  }

  async function test() {
    setDiagnosis(null);
    const res = await store.testConnection();
    if (res.ok) setDiagnosis(res.value);
  }

  return (
    <Show when={current()}>
      {(s) => (
        <form class="card settings" onSubmit={save} aria-label="Settings">
          <h2>Settings</h2>
          <div class="fields">
            <label>
              NAS URL (WebDAV folder)
              <input name="nasUrl" value={s().nasUrl} onInput={(e) => set('nasUrl', e.currentTarget.value)} />
            </label>
            <label>
              NAS user
              <input name="username" value={s().username} autocomplete="username" onInput={(e) => set('username', e.currentTarget.value)} />
            </label>
            <label>
              NAS password
              <input
                name="password"
                type="password"
                value={s().password}
                autocomplete="current-password"
                onInput={(e) => set('password', e.currentTarget.value)}
              />
            </label>
            <label>
              Folder on the NAS
              <input name="pathTemplate" value={s().pathTemplate} onInput={(e) => set('pathTemplate', e.currentTarget.value)} />
            </label>
            <label>
              Verify
              <select name="verifyMode" value={s().verifyMode} onChange={(e) => set('verifyMode', e.currentTarget.value as Settings['verifyMode'])}>
                <option value="checksum">Read back and compare checksums</option>
                <option value="size">Compare sizes only</option>
              </select>
            </label>
            <label>
              Keep verified runs on the device (hours)
              <input
                name="retentionHours"
                type="number"
                min="0"
                value={s().retentionHours}
                onInput={(e) => set('retentionHours', e.currentTarget.valueAsNumber)}
              />
            </label>
            <label>
              Uploads at once
              <input
                name="concurrency"
                type="number"
                min="1"
                max="8"
                value={s().concurrency}
                onInput={(e) => set('concurrency', e.currentTarget.valueAsNumber)}
              />
            </label>
            <label class="check">
              <input type="checkbox" name="paused" checked={s().paused} onChange={(e) => set('paused', e.currentTarget.checked)} />
              Pause syncing
            </label>
            <label class="check">
              <input
                type="checkbox"
                name="keepScreenOn"
                checked={s().keepScreenOn}
                onChange={(e) => set('keepScreenOn', e.currentTarget.checked)}
              />
              Keep the screen on while runs upload
            </label>
          </div>
          <div class="job-actions">
            <button type="submit">Save settings</button>
            <button type="button" onClick={() => void test()}>
              Test connection
            </button>
          </div>
          <FormMessage message={message()} />
          <Show when={diagnosis()}>
            {(d) => (
              <p class={d().ok ? 'msg msg-ok' : 'msg msg-error'} data-testid="diagnosis" data-code={d().code}>
                {d().message}
              </p>
            )}
          </Show>
        </form>
      )}
    </Show>
  );
}
