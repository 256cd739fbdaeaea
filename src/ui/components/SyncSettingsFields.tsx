import type { PageSettings, SettingsPatch } from '../../worker/contract';
import { planRunFolder } from '../../shared/nasPath';
import { NumberField } from './NumberField';
import { SyncWhenFields } from './SyncWhenFields';

/** Settings without the password: the page never holds it, only what the person types to replace it. */
export type SettingsDraft = Omit<SettingsPatch, 'password'>;

type SetSetting = <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]) => void;

/** What the template makes of a sample run, or why it cannot be used, as the person types. */
function pathExample(s: PageSettings): string {
  try {
    return `Example: ${s.nasUrl.replace(/\/?$/, '/')}${planRunFolder(s.pathTemplate, { equipmentId: 'hplc-02', runName: 'sample-7' }, Date.now())}/`;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Where each run goes on the NAS, how it is verified and freed, and how the sync runs. */
export function SyncSettingsFields(props: { settings: PageSettings; onChange: SetSetting }) {
  return (
    <>
      <label class="full">
        Folder on the NAS for each run ({'{equipment_id}'}, {'{date}'}, {'{run_name}'})
        <input
          name="pathTemplate"
          value={props.settings.pathTemplate}
          aria-describedby="path-example"
          onInput={(e) => props.onChange('pathTemplate', e.currentTarget.value)}
        />
        <span id="path-example" class="hint" data-testid="path-example">
          {pathExample(props.settings)}
        </span>
      </label>
      <VerifyFields settings={props.settings} onChange={props.onChange} />
      <NumberField
        label="Uploads at once"
        name="concurrency"
        min={1}
        max={8}
        value={props.settings.concurrency}
        onInput={(v) => props.onChange('concurrency', v)}
      />
      <label class="check">
        <input
          type="checkbox"
          name="keepScreenOn"
          checked={props.settings.keepScreenOn}
          onChange={(e) => props.onChange('keepScreenOn', e.currentTarget.checked)}
        />
        Keep the screen on while runs upload
      </label>
      <SyncWhenFields settings={props.settings} onChange={props.onChange} />
    </>
  );
}

/** How a run is verified on the NAS, how long it stays on the device, and the look before it is freed. */
function VerifyFields(props: { settings: PageSettings; onChange: SetSetting }) {
  return (
    <>
      <label>
        Verify
        <select
          name="verifyMode"
          value={props.settings.verifyMode}
          onChange={(e) => props.onChange('verifyMode', e.currentTarget.value as PageSettings['verifyMode'])}
        >
          <option value="checksum">Read back and compare checksums</option>
          <option value="size">Compare sizes only</option>
        </select>
      </label>
      <NumberField
        label="Verify passes"
        name="verifyPasses"
        min={1}
        max={10}
        value={props.settings.verifyPasses}
        onInput={(v) => props.onChange('verifyPasses', v)}
      />
      <NumberField
        label="Keep verified runs on the device (hours)"
        name="retentionHours"
        min={0}
        value={props.settings.retentionHours}
        onInput={(v) => props.onChange('retentionHours', v)}
      />
      <label>
        Before freeing a run on the device, check the NAS copy
        <select
          name="cleanupCheck"
          value={props.settings.cleanupCheck}
          onChange={(e) => props.onChange('cleanupCheck', e.currentTarget.value as PageSettings['cleanupCheck'])}
        >
          <option value="size">Every file there with its size</option>
          <option value="checksum">Every file read back and its checksum compared</option>
        </select>
      </label>
    </>
  );
}
