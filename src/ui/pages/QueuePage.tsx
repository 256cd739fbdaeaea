import { EngineStatusBar } from '../components/EngineStatusBar';
import { EnqueueForm } from '../components/EnqueueForm';
import { JobList } from '../components/JobList';
import { NewRunForm } from '../components/NewRunForm';
import { OwnershipBanner } from '../components/OwnershipBanner';
import { SettingsPanel } from '../components/SettingsPanel';
import { StateSummary } from '../components/StateSummary';
import { AppUpdateBanner } from '../components/AppUpdateBanner';
import { StorageStatus } from '../components/StorageStatus';

export function QueuePage() {
  return (
    <main>
      <AppUpdateBanner />
      <OwnershipBanner />
      <EngineStatusBar />
      <StorageStatus />
      <NewRunForm />
      <StateSummary />
      <JobList />
      <details class="card">
        <summary>Queue a run by path, without files</summary>
        <EnqueueForm />
      </details>
      <SettingsPanel />
    </main>
  );
}
