import { createResource, createSignal, Show } from 'solid-js';
import type { Diagnosis, PageSettings, SettingsPatch } from '../../worker/contract';
import { useStore } from '../store';
import { FormMessage, type Message } from './FormMessage';
import { NasAccessFields } from './NasAccessFields';
import { type SettingsDraft, SyncSettingsFields } from './SyncSettingsFields';

/** The NAS and sync settings, kept by the worker; "Test connection" shows the engine's diagnosis. */
export function SettingsPanel() {
  const store = useStore();
  const [loaded, { mutate }] = createResource(
    () => store.ownership().status === 'owner',
    async (owner) => (owner ? await store.getSettings() : null),
  );
  const [draft, setDraft] = createSignal<SettingsDraft>({});
  const [newPassword, setNewPassword] = createSignal('');
  const [message, setMessage] = createSignal<Message | null>(null);
  const [diagnosis, setDiagnosis] = createSignal<Diagnosis | null>(null);

  const current = (): PageSettings | null => {
    const r = loaded();
    return r && r.ok ? { ...r.value, ...draft() } : null;
  };
  const set = <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => setDraft({ ...draft(), [key]: value });

  async function apply(patch: SettingsPatch, done: string) {
    const res = await store.updateSettings(patch);
    setMessage(res.ok ? { kind: 'ok', text: done } : { kind: 'error', text: res.error.message });
    if (!res.ok) return;
    mutate(res);
    setDraft({});
    setNewPassword('');
  }

  // An empty password field means "keep the saved one": Save never clears it (Clear password does).
  const typed = (): SettingsPatch => (newPassword() ? { ...draft(), password: newPassword() } : draft());

  async function save(event: SubmitEvent) {
    event.preventDefault();
    await apply(typed(), 'Settings saved');
  }

  /** Tries what the form holds, saved or not: a person checks the user and password before saving. */
  async function test() {
    setDiagnosis(null);
    const res = await store.testConnection(typed());
    if (res.ok) setDiagnosis(res.value);
    else setMessage({ kind: 'error', text: res.error.message });
  }

  return (
    <Show when={current()}>
      {(s) => (
        <SettingsForm
          settings={s()}
          newPassword={newPassword()}
          message={message()}
          diagnosis={diagnosis()}
          onChange={set}
          onPassword={setNewPassword}
          onSave={save}
          onTest={() => void test()}
          onClearPassword={() => void apply({ password: '' }, 'Password cleared')}
        />
      )}
    </Show>
  );
}

function SettingsForm(props: {
  settings: PageSettings;
  newPassword: string;
  message: Message | null;
  diagnosis: Diagnosis | null;
  onChange: <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => void;
  onPassword: (value: string) => void;
  onSave: (event: SubmitEvent) => void;
  onTest: () => void;
  onClearPassword: () => void;
}) {
  return (
    <form class="card settings" onSubmit={(e) => props.onSave(e)} aria-label="Settings">
      <div class="fields">
        <NasAccessFields
          settings={props.settings}
          newPassword={props.newPassword}
          onNasUrl={(v) => props.onChange('nasUrl', v)}
          onUsername={(v) => props.onChange('username', v)}
          onPassword={(v) => props.onPassword(v)}
        />
        <SyncSettingsFields settings={props.settings} onChange={(key, value) => props.onChange(key, value)} />
      </div>
      <SettingsActions
        passwordSet={props.settings.passwordState !== 'not-set'}
        onTest={() => props.onTest()}
        onClearPassword={() => props.onClearPassword()}
      />
      <FormMessage message={props.message} />
      <DiagnosisMessage diagnosis={props.diagnosis} />
    </form>
  );
}

function SettingsActions(props: { passwordSet: boolean; onTest: () => void; onClearPassword: () => void }) {
  return (
    <div class="job-actions">
      <button type="submit" class="primary">
        Save settings
      </button>
      <button type="button" onClick={() => props.onTest()}>
        Test connection
      </button>
      <Show when={props.passwordSet}>
        <button type="button" onClick={() => props.onClearPassword()}>
          Clear password
        </button>
      </Show>
    </div>
  );
}

/** What "Test connection" found: a status line when the NAS answered as it should, else an alert. */
function DiagnosisMessage(props: { diagnosis: Diagnosis | null }) {
  return (
    <Show when={props.diagnosis}>
      {(d) => (
        <p class={d().ok ? 'msg msg-ok' : 'msg msg-error'} role={d().ok ? 'status' : 'alert'} data-testid="diagnosis" data-code={d().code}>
          {d().message}
        </p>
      )}
    </Show>
  );
}
