import * as Comlink from 'comlink';
import type { SAHPoolUtil } from '@sqlite.org/sqlite-wasm';
import { createWorkerApi, type Ownership, type WorkerEvent } from './api';
import { installPool, openDatabase } from './db/open';
import { SyncQueue } from './db/queue';
import { startOwnership } from './ownership';

// The worker's entry: the only file that touches `self` or calls Comlink.expose. It builds the parts once.

const listeners = new Set<(event: WorkerEvent) => void>();
let ownership: Ownership = { status: 'starting' };
let queue: SyncQueue | null = null;
let pool: SAHPoolUtil | null = null;

function emit(event: WorkerEvent): void {
  for (const listener of listeners) {
    // A listener whose page is gone rejects; it must not stop the others.
    Promise.resolve(listener(event)).catch(() => listeners.delete(listener));
  }
}

// The previous owner's access handles are released a moment after its worker ends (50-280 ms measured).
const OPEN_RETRY_DELAYS_MS = [50, 100, 200, 400, 800, 1600];

async function openQueue(): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      if (!pool) pool = await installPool();
      else if (pool.isPaused()) await pool.unpauseVfs();
      const opened = new SyncQueue(() => openDatabase(pool!), {
        onCommit: (ids) => emit({ type: 'jobs-changed', ids }),
      });
      await opened.init();
      queue = opened;
      emit({ type: 'jobs-changed', ids: [] });
      return;
    } catch (err) {
      if (pool && !pool.isPaused()) pool.pauseVfs();
      if (attempt >= OPEN_RETRY_DELAYS_MS.length) throw err;
      await new Promise((r) => setTimeout(r, OPEN_RETRY_DELAYS_MS[attempt]));
    }
  }
}

async function closeQueue(): Promise<void> {
  const closing = queue;
  queue = null;
  await closing?.close();
  // Releases the OPFS access handles so the next owner can open the pool.
  if (pool && !pool.isPaused()) pool.pauseVfs();
}

const lock = startOwnership({
  acquire: openQueue,
  release: closeQueue,
  onChange(status, message) {
    ownership = status === 'error' ? { status, message: message ?? 'unknown error' } : { status };
    emit({ type: 'ownership', ownership });
  },
});

const api = createWorkerApi({
  queue: () => queue,
  ownership: () => ownership,
  subscribe: (listener) => listeners.add(listener),
  takeOver: async () => lock.requestHandOver(),
});

Comlink.expose(api);
