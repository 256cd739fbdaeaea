import { createResource, createSignal, Show } from 'solid-js';
import type { Diagnosis, Settings } from '../../worker/contract';
import { useStore } from '../store';
import { planRunFolder } from '../../shared/nasPath';
import { FormMessage, type Message } from './FormMessage';

/** What the template makes of a sample run, or why it cannot be used, as the person types. */
function pathExample(s: Settings): string {
  try {
    return `Example: ${s.nasUrl.replace(/\/?$/, '/')}${planRunFolder(s.pathTemplate, { equipmentId: 'hplc-02', runName: 'sample-7' }, Date.now())}/`;
  } catch (err) {
    return (err as Error).message;
  }
}

function NumberField(props: { label: string; name: string; min: number; max?: number; value: number; onInput: (value: number) => void }) {
  return (
    <label>
      {props.label}
      <input
        name={props.name}
        type="number"
        min={props.min}
        max={props.max}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.valueAsNumber)}
      />
    </label>
  );
}

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
            <label class="full">
              Folder on the NAS for each run ({'{equipment_id}'}, {'{date}'}, {'{run_name}'})
              <input
                name="pathTemplate"
                value={s().pathTemplate}
                aria-describedby="path-example"
                onInput={(e) => set('pathTemplate', e.currentTarget.value)}
              />
              <span id="path-example" class="hint" data-testid="path-example">
                {pathExample(s())}
              </span>
            </label>
            <label>
              Verify
              <select name="verifyMode" value={s().verifyMode} onChange={(e) => set('verifyMode', e.currentTarget.value as Settings['verifyMode'])}>
                <option value="checksum">Read back and compare checksums</option>
                <option value="size">Compare sizes only</option>
              </select>
            </label>
            <NumberField label="Verify passes" name="verifyPasses" min={1} max={10} value={s().verifyPasses} onInput={(v) => set('verifyPasses', v)} />
            <NumberField label="Keep verified runs on the device (hours)" name="retentionHours" min={0} value={s().retentionHours} onInput={(v) => set('retentionHours', v)} />
            <label>
              Before freeing a run on the device, check the NAS copy
              <select name="cleanupCheck" value={s().cleanupCheck} onChange={(e) => set('cleanupCheck', e.currentTarget.value as Settings['cleanupCheck'])}>
                <option value="size">Every file there with its size</option>
                <option value="checksum">Every file read back and its checksum compared</option>
              </select>
            </label>
            <NumberField label="Uploads at once" name="concurrency" min={1} max={8} value={s().concurrency} onInput={(v) => set('concurrency', v)} />
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
            <button type="submit" class="primary">
              Save settings
            </button>
            <button type="button" onClick={() => void test()}>
              Test connection
            </button>
          </div>
          <FormMessage message={message()} />
          <Show when={diagnosis()}>
            {(d) => (
              <p class={d().ok ? 'msg msg-ok' : 'msg msg-error'} role={d().ok ? 'status' : 'alert'} data-testid="diagnosis" data-code={d().code}>
                {d().message}
              </p>
            )}
          </Show>
        </form>
      )}
    </Show>
  );
}
