import { createServer, type Socket } from 'node:net';

/**
 * A host that takes every connection on 127.0.0.1:`port` and never answers: a NAS that is black-holed
 * (hung, or behind a firewall that drops its replies). close() drops the connections it holds.
 */
export async function startBlackHole(port: number): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
