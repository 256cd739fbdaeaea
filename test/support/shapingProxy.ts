import { type Server, type Socket, connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

// A link between a tablet and the lab, in Node (kernel traffic shaping, tc/netem, is not available on
// these machines): a TCP proxy on 127.0.0.1 that delays every chunk by half the round trip each way and
// lets no more than the link's bandwidth through, shared by every connection, as one Wi-Fi or cellular
// link is. The app, curl and rclone all go through the same one, so their figures compare.

export interface LinkProfile {
  /** How the benchmark names the link. */
  name: string;
  /** Round trip added to the loopback's, in ms: each chunk waits half of it in each direction. */
  rttMs: number;
  /** Bandwidth cap in each direction, in Mbit/s; null for none. */
  mbitPerS: number | null;
}

export const LOOPBACK: LinkProfile = { name: 'loopback', rttMs: 0, mbitPerS: null };
export const LINK_10MS: LinkProfile = { name: '10 ms, 100 Mbit/s', rttMs: 10, mbitPerS: 100 };
export const LINK_40MS: LinkProfile = { name: '40 ms, 100 Mbit/s', rttMs: 40, mbitPerS: 100 };

export interface ShapingProxy {
  /** http://127.0.0.1:<port>: the target's origin, seen through the link. */
  origin: string;
  /** Change the link for the chunks that arrive from now on. */
  setLink(link: LinkProfile): void;
  stop(): Promise<void>;
}

/**
 * One direction of the link, shared by every connection: a chunk is on the wire after the ones before
 * it (the bandwidth cap), then arrives half a round trip later.
 */
interface Wire {
  busyUntilMs: number;
}

/** Bytes held for one direction of one connection before its sender is paused, as TCP's window would. */
const MIN_WINDOW_BYTES = 256 * 1024;

export async function startShapingProxy(target: string, initial: LinkProfile = LOOPBACK): Promise<ShapingProxy> {
  const upstream = new URL(target);
  let link = initial;
  const up: Wire = { busyUntilMs: 0 };
  const down: Wire = { busyUntilMs: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const nas = connect(Number(upstream.port), upstream.hostname);
    for (const s of [client, nas]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        nas.destroy();
      });
    }
    shape(client, nas, up, () => link);
    shape(nas, client, down, () => link);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setLink(next) {
      link = next;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Carry `from`'s bytes to `to` over `wire`, in order, each chunk delivered when the link would. */
function shape(from: Socket, to: Socket, wire: Wire, link: () => LinkProfile): void {
  const queue: { chunk: Buffer; dueMs: number }[] = [];
  let queuedBytes = 0;
  let timer: NodeJS.Timeout | null = null;
  let ended = false;

  const window = () => {
    const { rttMs, mbitPerS } = link();
    // The bandwidth-delay product, so a paused sender never leaves the link idle.
    return Math.max(MIN_WINDOW_BYTES, mbitPerS === null ? 0 : ((mbitPerS * 1e6 * rttMs) / 8 / 1000) * 2);
  };
  const deliver = () => {
    timer = null;
    const now = performance.now();
    while (queue.length && queue[0].dueMs <= now) {
      const { chunk } = queue.shift()!;
      queuedBytes -= chunk.length;
      to.write(chunk);
    }
    if (queue.length) timer = setTimeout(deliver, Math.max(0, queue[0].dueMs - now));
    else if (ended) to.end();
    if (queuedBytes + to.writableLength < window() && from.isPaused()) from.resume();
  };

  from.on('data', (chunk: Buffer) => {
    const { rttMs, mbitPerS } = link();
    const now = performance.now();
    if (rttMs === 0 && mbitPerS === null && !queue.length) {
      // Loopback: straight through, with the receiver's own backpressure.
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
      return;
    }
    const start = Math.max(now, wire.busyUntilMs);
    wire.busyUntilMs = mbitPerS === null ? start : start + (chunk.length * 8) / (mbitPerS * 1000);
    queue.push({ chunk, dueMs: wire.busyUntilMs + rttMs / 2 });
    queuedBytes += chunk.length;
    if (queuedBytes >= window()) from.pause();
    if (!timer) timer = setTimeout(deliver, Math.max(0, queue[0].dueMs - now));
  });
  from.on('end', () => {
    ended = true;
    if (!timer && !queue.length) to.end();
  });
  from.on('close', () => {
    // A reset (not a clean end) goes through at once: nothing more will come.
    if (!ended) {
      if (timer) clearTimeout(timer);
      to.destroy();
    }
  });
}
