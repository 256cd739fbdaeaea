// store/ is the page's state: the queue as the worker pushes it, what only the page can do (updates, storage,
// handed-over files), and helpers for the route, formats and picked files. Here: the provider that builds it once.
import { createContext, useContext, type ParentProps } from 'solid-js';
import { createPlatformStore, type PlatformStore } from './createPlatformStore';
import { createQueueStore, type QueueStore } from './createQueueStore';
import { createDeviceStore, type DeviceStore } from './createDeviceStore';

export type Store = QueueStore & { platform: PlatformStore; device: DeviceStore };

const StoreContext = createContext<Store>();

/** Builds the one store of the page and hands it to every component below. */
export function StoreProvider(props: ParentProps) {
  const queue = createQueueStore();
  const store: Store = Object.assign(queue, {
    platform: createPlatformStore(queue.engine, queue.settings),
    device: createDeviceStore(queue.ownership),
  });
  return <StoreContext.Provider value={store}>{props.children}</StoreContext.Provider>;
}

export function useStore(): Store {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore() outside <StoreProvider>');
  return store;
}
