import { Show } from 'solid-js';
import type { PageSettings } from '../../worker/contract';
import { NumberField } from './NumberField';
import type { SettingsDraft } from './SyncSettingsFields';

type SetSetting = <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => void;

/** A night window by default: the lab's network is free then. */
const DEFAULT_WINDOW = { startHour: 22, endHour: 6 };

/**
 * When the engine may sync: only between two hours (local time; the window may wrap past midnight), and
 * not on a metered connection (a phone's hotspot). The status bar says which of them makes it wait.
 */
export function SyncWhenFields(props: { settings: PageSettings; onChange: SetSetting }) {
  const window = () => props.settings.syncWindow;
  const setHour = (key: 'startHour' | 'endHour', value: number) =>
    props.onChange('syncWindow', { ...(window() ?? DEFAULT_WINDOW), [key]: value });
  return (
    <>
      <label class="check">
        <input
          type="checkbox"
          name="syncWindowOn"
          checked={window() !== null}
          onChange={(e) => props.onChange('syncWindow', e.currentTarget.checked ? DEFAULT_WINDOW : null)}
        />
        Sync only between set hours
      </label>
      <Show when={window()}>
        {(w) => (
          <>
            <NumberField
              label="Sync from hour (0–24)"
              name="syncFromHour"
              min={0}
              max={24}
              value={w().startHour}
              onInput={(v) => setHour('startHour', v)}
            />
            <NumberField
              label="Sync to hour (0–24)"
              name="syncToHour"
              min={0}
              max={24}
              value={w().endHour}
              onInput={(v) => setHour('endHour', v)}
            />
          </>
        )}
      </Show>
      <label class="check">
        <input
          type="checkbox"
          name="pauseOnMetered"
          checked={props.settings.pauseOnMetered}
          onChange={(e) => props.onChange('pauseOnMetered', e.currentTarget.checked)}
        />
        Pause syncing on a metered connection (mobile data)
      </label>
    </>
  );
}
