// Bounded parallel work, used by intake (files written into OPFS) and by the sync phases (files on the NAS).

/**
 * Work through `items` with up to `width` lanes; after a failure no lane takes another item, and the
 * first failure is thrown once every lane has stopped.
 */
export async function inLanes<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < items.length && !failed) await work(items[next++]);
  };
  const lanes = await Promise.allSettled(
    Array.from({ length: Math.min(width, items.length) }, () =>
      lane().catch((err) => {
        failed = true;
        throw err;
      }),
    ),
  );
  const rejected = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (rejected) throw rejected.reason;
}
