import { DiagnosticsDownload, SettingsPanel } from '../components';
import { DeviceNameField } from '../components/DeviceNameField';

/** The NAS connection and how runs are synced. */
export function SettingsPage() {
  return (
    <>
      <h2 class="view-title">Settings</h2>
      <SettingsPanel />
      <DiagnosticsDownload />
      <DeviceNameField />
    </>
  );
}
