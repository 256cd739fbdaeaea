// One owner across tabs and windows: the worker that holds the Web Lock opens the database; the others
// wait in the lock's queue, so they take over by themselves when the owner's tab closes. "Use here"
// asks the owner over a BroadcastChannel to hand over; it closes the database, releases the lock, and
// queues up again behind the asker.

export interface OwnershipHooks {
  /** Open the database; called each time this worker gets the lock. */
  acquire: () => Promise<void>;
  /** Close the database; called before the lock is given up. */
  release: () => Promise<void>;
  onChange: (status: 'owner' | 'elsewhere' | 'error', message?: string) => void;
}

const LOCK_NAME = 'exlab-sync-database';
const CHANNEL_NAME = 'exlab-sync-ownership';

export interface Ownership {
  /** Ask the current owner to hand the database to this worker. */
  requestHandOver(): void;
}

export function startOwnership(hooks: OwnershipHooks): Ownership {
  const channel = new BroadcastChannel(CHANNEL_NAME);
  let handOver: (() => void) | null = null;

  channel.onmessage = (event: MessageEvent<{ type: string }>) => {
    if (event.data?.type === 'hand-over' && handOver) handOver();
  };

  async function holdLock(): Promise<void> {
    await hooks.acquire();
    hooks.onChange('owner');
    await new Promise<void>((resolve) => (handOver = resolve));
    handOver = null;
    await hooks.release();
  }

  async function contend(): Promise<void> {
    for (;;) {
      const got = await navigator.locks.request(LOCK_NAME, { ifAvailable: true }, async (lock) => {
        if (!lock) return false;
        await holdLock();
        return true;
      });
      if (!got) {
        hooks.onChange('elsewhere');
        await navigator.locks.request(LOCK_NAME, holdLock);
      }
      // We handed the database over: wait behind the new owner.
      hooks.onChange('elsewhere');
    }
  }

  contend().catch((err: unknown) => hooks.onChange('error', err instanceof Error ? err.message : String(err)));

  return {
    requestHandOver() {
      channel.postMessage({ type: 'hand-over' });
    },
  };
}
