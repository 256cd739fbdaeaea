import { type IHasher, createSHA256 } from 'hash-wasm';

/**
 * SHA-256 of bytes that come in pieces (a file written into OPFS, a file read back from the NAS).
 * A piece passed to update() may be reused by the caller once the promise settles.
 */
export interface StreamHasher {
  update(bytes: Uint8Array): Promise<void>;
  digest(): Promise<string>;
  /** Forget a stream that will not be finished (an error, an abort); nothing after digest(). */
  dispose(): void;
}

export type HashRequest =
  { id: number; op: 'update'; buffer: ArrayBuffer; length: number } | { id: number; op: 'digest' } | { id: number; op: 'drop' };
export type HashReply =
  | { id: number; op: 'updated'; buffer: ArrayBuffer }
  | { id: number; op: 'digest'; hex: string }
  | { id: number; op: 'failed'; message: string };

// Hashing (hash-wasm, about 290 MB/s on the bench machine) took the sync worker's one thread in turns with
// reading and writing: intake of 1 GB ran at 107 MB/s and its read-back at 185. In a second worker it runs
// beside them. Small files stay here: a message per file would cost more than hashing it.
const OFF_THREAD_MIN_BYTES = 4 * 1024 * 1024;
const BUFFER_BYTES = 1024 * 1024;
/** Buffers one stream may have filled and not yet hashed: what it holds in memory at most. */
const BUFFERS_PER_STREAM = 8;

/** A hasher for a stream of about `expectedBytes`: in a second worker when big and workers exist. */
export async function createStreamHasher(expectedBytes: number): Promise<StreamHasher> {
  if (expectedBytes >= OFF_THREAD_MIN_BYTES && typeof Worker !== 'undefined') return new OffThreadHasher(hashWorker());
  // hash-wasm instances are kept and reused: making one per file of a run of 2,000 small files cost
  // 70 ms of WebAssembly instantiation per 1,000. One per stream open at once, so streams never share.
  const h = idle.pop() ?? (await createSHA256());
  h.init();
  let open = true;
  const release = () => {
    if (open) idle.push(h);
    open = false;
  };
  return {
    update: async (bytes) => void h.update(bytes),
    digest: async () => {
      const hex = h.digest('hex');
      release();
      return hex;
    },
    dispose: release,
  };
}

const idle: IHasher[] = [];

interface HashWorker {
  post(message: HashRequest, transfer?: Transferable[]): void;
  listen(id: number, onReply: (r: HashReply) => void): void;
  forget(id: number): void;
}

let shared: HashWorker | null = null;
let nextId = 1;

/** The one hash worker, started on first use; after a crash every open stream fails and the next use starts another. */
function hashWorker(): HashWorker {
  if (shared) return shared;
  const worker = new Worker(new URL('./hashWorker.ts', import.meta.url), { type: 'module', name: 'exlab-hash' });
  const listeners = new Map<number, (r: HashReply) => void>();
  const self: HashWorker = {
    post: (message, transfer = []) => worker.postMessage(message, transfer),
    listen: (id, onReply) => listeners.set(id, onReply),
    forget: (id) => listeners.delete(id),
  };
  worker.onmessage = (e: MessageEvent<HashReply>) => listeners.get(e.data.id)?.(e.data);
  const stopped = (why: string) => {
    if (shared === self) shared = null;
    worker.terminate();
    const message = `the hashing worker stopped: ${why}`;
    for (const [id, onReply] of listeners) onReply({ id, op: 'failed', message });
    listeners.clear();
  };
  worker.onerror = (e) => stopped(e.message || 'no reason given');
  worker.onmessageerror = () => stopped('a message could not be read');
  return (shared = self);
}

class OffThreadHasher implements StreamHasher {
  private readonly id = nextId++;
  private readonly free: ArrayBuffer[] = [];
  private allocated = 0;
  private filling: Uint8Array | null = null;
  private filled = 0;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private settle: { resolve: (hex: string) => void; reject: (err: Error) => void } | null = null;
  private done = false;

  constructor(private readonly worker: HashWorker) {
    worker.listen(this.id, (r) => this.onReply(r));
  }

  async update(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      this.filling ??= new Uint8Array(await this.takeBuffer());
      const n = Math.min(bytes.length - at, BUFFER_BYTES - this.filled);
      this.filling.set(bytes.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === BUFFER_BYTES) this.send();
    }
  }

  digest(): Promise<string> {
    this.throwIfFailed();
    if (this.filled > 0) this.send();
    this.done = true;
    return new Promise<string>((resolve, reject) => {
      this.settle = { resolve, reject };
      this.worker.post({ id: this.id, op: 'digest' });
    }).finally(() => this.worker.forget(this.id));
  }

  dispose(): void {
    if (this.done) return;
    this.done = true;
    this.worker.forget(this.id);
    this.worker.post({ id: this.id, op: 'drop' });
  }

  private send(): void {
    const buffer = this.filling!.buffer as ArrayBuffer;
    this.worker.post({ id: this.id, op: 'update', buffer, length: this.filled }, [buffer]);
    this.filling = null;
    this.filled = 0;
  }

  private async takeBuffer(): Promise<ArrayBuffer> {
    for (;;) {
      this.throwIfFailed();
      const buffer = this.free.pop();
      if (buffer) return buffer;
      if (this.allocated < BUFFERS_PER_STREAM) {
        this.allocated++;
        return new ArrayBuffer(BUFFER_BYTES);
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private onReply(r: HashReply): void {
    if (r.op === 'updated') this.free.push(r.buffer);
    else if (r.op === 'digest') this.settle?.resolve(r.hex);
    else {
      this.failure = new Error(`SHA-256 could not be computed (${r.message}); the next attempt computes it again`);
      this.settle?.reject(this.failure);
    }
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
