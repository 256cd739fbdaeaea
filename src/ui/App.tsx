import { QueuePage } from './pages/QueuePage';
import { StoreProvider, useStore } from './store';

function Header() {
  const store = useStore();
  return (
    <header class="top">
      <h1>exlab-sync</h1>
      <span class="owner-state" data-testid="ownership" data-status={store.ownership().status}>
        {store.ownership().status === 'owner' ? 'Queue open in this tab' : ''}
      </span>
    </header>
  );
}

export function App() {
  return (
    <StoreProvider>
      <Header />
      <QueuePage />
      <footer class="app-footer" data-testid="app-version">
        exlab-sync {__APP_VERSION__}
      </footer>
    </StoreProvider>
  );
}
