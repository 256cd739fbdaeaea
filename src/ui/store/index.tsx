import { createContext, useContext, type ParentProps } from 'solid-js';
import { createQueueStore, type QueueStore } from './createQueueStore';

const StoreContext = createContext<QueueStore>();

/** Builds the one store of the page and hands it to every component below. */
export function StoreProvider(props: ParentProps) {
  const store = createQueueStore();
  return <StoreContext.Provider value={store}>{props.children}</StoreContext.Provider>;
}

export function useStore(): QueueStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore() outside <StoreProvider>');
  return store;
}
