import { Match, Switch } from 'solid-js';
import { AppUpdateBanner, OwnershipBanner, StatusBar, TabBar } from './components';
import { JobPage, LabPage, NewRunPage, ProblemsPage, QueuePage, SettingsPage } from './pages';
import { DeviceBadge } from './components/DeviceBadge';
import { StoreProvider, useStore } from './store';
import { createRoute } from './store/createRoute';
import { fromDataTransfer } from './store/pickedFiles';

function Shell() {
  const store = useStore();
  const route = createRoute();
  return (
    <div
      class="shell"
      // Files dropped anywhere become a new run; the New run form takes drops itself.
      onDragOver={(e) => e.dataTransfer?.types.includes('Files') && e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        if (e.dataTransfer) void fromDataTransfer(e.dataTransfer).then((run) => store.platform.handOver(run));
      }}
    >
      <header class="top">
        <h1>exlab-sync</h1>
        <DeviceBadge />
        <span class="owner-state" data-testid="ownership" data-status={store.ownership().status}>
          {store.ownership().status === 'owner' ? 'Queue open in this tab' : ''}
        </span>
        <TabBar route={route()} />
      </header>
      <main>
        <AppUpdateBanner />
        <OwnershipBanner />
        <StatusBar />
        <Switch>
          <Match when={route().view === 'queue'}>
            <QueuePage />
          </Match>
          <Match when={route().view === 'new'}>
            <NewRunPage />
          </Match>
          <Match when={route().view === 'problems'}>
            <ProblemsPage />
          </Match>
          <Match when={route().view === 'settings'}>
            <SettingsPage />
          </Match>
          <Match when={route().view === 'lab'}>
            <LabPage />
          </Match>
          <Match when={route().view === 'job' && (route() as { jobId: string }).jobId}>{(jobId) => <JobPage jobId={jobId()} />}</Match>
        </Switch>
      </main>
      <footer class="app-footer" data-testid="app-version">
        exlab-sync {__APP_VERSION__}
      </footer>
    </div>
  );
}

export function App() {
  return (
    <StoreProvider>
      <Shell />
    </StoreProvider>
  );
}
