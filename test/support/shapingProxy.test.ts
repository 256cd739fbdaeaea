import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINK_40MS, LOOPBACK, type ShapingProxy, startShapingProxy } from './shapingProxy.ts';

// The benchmark's links must be what they say: the added round trip on every exchange, the cap on
// every byte, and the bytes themselves unchanged, in both directions.

const BODY = randomBytes(2_500_000);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('the shaping proxy', () => {
  let server: Server;
  let proxy: ShapingProxy;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ping') return void res.end('pong');
      if (req.method === 'GET') return void res.end(BODY);
      const hash = createHash('sha256');
      req.on('data', (c: Buffer) => hash.update(c));
      req.on('end', () => res.end(hash.digest('hex')));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy = await startShapingProxy(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await proxy.stop();
    await new Promise((r) => server.close(r));
  });

  it('adds the round trip to each request and answer on a 40 ms link', async () => {
    proxy.setLink(LINK_40MS);
    await fetch(`${proxy.origin}/ping`); // the connection is open: what remains is the round trip
    const t0 = performance.now();
    expect(await (await fetch(`${proxy.origin}/ping`)).text()).toBe('pong');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(39);
  });

  it('caps both directions at 100 Mbit/s and keeps the bytes as they were', async () => {
    proxy.setLink(LINK_40MS);
    const atCapMs = (BODY.length * 8) / 100_000; // 200 ms for 2.5 MB
    let t0 = performance.now();
    const down = new Uint8Array(await (await fetch(`${proxy.origin}/big`)).arrayBuffer());
    expect(performance.now() - t0).toBeGreaterThanOrEqual(atCapMs);
    expect(sha(down)).toBe(sha(BODY));
    t0 = performance.now();
    const echoed = await (await fetch(`${proxy.origin}/up`, { method: 'PUT', body: BODY })).text();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(atCapMs);
    expect(echoed).toBe(sha(BODY));
  });

  it('passes bytes straight through on the loopback profile', async () => {
    proxy.setLink(LOOPBACK);
    const down = new Uint8Array(await (await fetch(`${proxy.origin}/big`)).arrayBuffer());
    expect(sha(down)).toBe(sha(BODY));
    expect(await (await fetch(`${proxy.origin}/up`, { method: 'PUT', body: BODY })).text()).toBe(sha(BODY));
  });
});
