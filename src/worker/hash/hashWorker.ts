// hash/: SHA-256 of a stream of bytes, off the sync worker's thread for big files (hashWorker.ts is the
// entry of that second worker; streamHasher.ts is what the sync worker calls).
import { type IHasher, createSHA256 } from 'hash-wasm';
import type { HashReply, HashRequest } from './streamHasher';

// One hash-wasm state per stream id. Each filled buffer is hashed and sent back to be filled again,
// so the bytes of a big file cross the thread once and no buffer is ever garbage.
const streams = new Map<number, Promise<IHasher>>();
const scope = self as unknown as DedicatedWorkerGlobalScope;

function reply(message: HashReply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

/** Streams that failed: what comes for them after is not hashed, so no digest can leave out a piece. */
const failed = new Set<number>();

scope.onmessage = async (event: MessageEvent<HashRequest>) => {
  const m = event.data;
  if (m.op === 'drop' || failed.has(m.id)) {
    streams.delete(m.id);
    if (m.op !== 'update') failed.delete(m.id);
    if (m.op === 'digest') reply({ id: m.id, op: 'failed', message: 'an earlier piece could not be hashed' });
    return;
  }
  try {
    let hasher = streams.get(m.id);
    if (!hasher) streams.set(m.id, (hasher = createSHA256()));
    // Messages of one stream are handled in order: each waits on the same promise, in arrival order.
    const h = await hasher;
    if (m.op === 'update') {
      h.update(new Uint8Array(m.buffer, 0, m.length));
      reply({ id: m.id, op: 'updated', buffer: m.buffer }, [m.buffer]);
    } else {
      streams.delete(m.id);
      reply({ id: m.id, op: 'digest', hex: h.digest('hex') });
    }
  } catch (err) {
    streams.delete(m.id);
    failed.add(m.id);
    reply({ id: m.id, op: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
};
