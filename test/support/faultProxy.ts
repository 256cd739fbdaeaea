import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

// A real HTTP proxy on 127.0.0.1 in front of a real WebDAV server, for the failures a real server
// cannot be made to produce on demand: it forwards everything, except where `fault` says otherwise.

export type Fault =
  | { type: 'status'; status: number }
  /** Close the connection after this many request-body bytes, with no answer. */
  | { type: 'cut'; afterBytes: number }
  /** Forward only the first half of the request body (the server stores a short file). */
  | { type: 'truncate' }
  /** Answer headers, then stop sending. */
  | { type: 'stall' }
  /** Answer this instead of the server. */
  | { type: 'respond'; status: number; body: string; headers?: Record<string, string> }
  /** Forward, then change the server's answer body before passing it on. */
  | { type: 'rewrite'; edit: (body: string) => string }
  /** Close the connection at once, no answer. */
  | { type: 'drop' }
  /** Take the request and never answer. */
  | { type: 'hang' }
  /** Forward it, let the server carry it out, and never pass the answer on (a kill after the request). */
  | { type: 'answer-lost'; onDone?: (status: number) => void }
  /** Forward it once `until` resolves (to see which requests a client has in flight at once). */
  | { type: 'hold'; until: Promise<void> };

export interface FaultProxy {
  origin: string;
  /** Every request seen, "METHOD /path", in order. */
  log: string[];
  /** Decide per request; return null to forward it untouched. */
  fault: (method: string, path: string) => Fault | null;
  /** Stop accepting connections (the NAS is gone) or accept them again, on the same port. */
  setDown(down: boolean): Promise<void>;
  stop(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let port = 0;
  let server: Server;
  const proxy: FaultProxy = {
    origin: '',
    log: [],
    fault: () => null,
    async setDown(down) {
      if (down) await close();
      else await listen(port);
    },
    stop: () => close(),
  };

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    proxy.log.push(`${req.method} ${path}`);
    const fault = proxy.fault(req.method ?? 'GET', decodeURIComponent(path));
    if (fault?.type === 'status') {
      req.resume();
      req.on('end', () => res.writeHead(fault.status, { 'Content-Length': '0' }).end());
      return;
    }
    if (fault?.type === 'hang') {
      req.resume();
      return;
    }
    if (fault?.type === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.type === 'respond') {
      req.resume();
      req.on('end', () => res.writeHead(fault.status, { 'Content-Length': String(Buffer.byteLength(fault.body)), ...fault.headers }).end(fault.body));
      return;
    }
    if (fault?.type === 'stall') {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '1000000' });
      res.write('x');
      return;
    }
    if (fault?.type === 'hold') {
      req.pause();
      void fault.until.then(() => forward(req, res, path, null));
      return;
    }
    forward(req, res, path, fault);
  }

  function forward(req: IncomingMessage, res: ServerResponse, path: string, fault: Fault | null): void {
    const headers = { ...req.headers, host: upstream.host };
    if (fault?.type === 'truncate') {
      const length = Number(req.headers['content-length'] ?? 0);
      headers['content-length'] = String(Math.floor(length / 2));
    }
    const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers }, (up) => {
      if (fault?.type === 'answer-lost') {
        up.resume();
        up.on('end', () => fault.onDone?.(up.statusCode ?? 0));
        return;
      }
      if (fault?.type === 'rewrite') {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = fault.edit(Buffer.concat(chunks).toString('utf8'));
          const { 'content-length': _, 'transfer-encoding': __, ...rest } = up.headers;
          res.writeHead(up.statusCode ?? 502, { ...rest, 'Content-Length': String(Buffer.byteLength(body)) }).end(body);
        });
        return;
      }
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    let seen = 0;
    req.on('data', (chunk: Buffer) => {
      if (fault?.type === 'cut' && seen + chunk.length >= fault.afterBytes) {
        out.write(chunk.subarray(0, Math.max(0, fault.afterBytes - seen)));
        out.destroy();
        req.socket.destroy();
        return;
      }
      if (fault?.type === 'truncate') {
        const keep = Math.floor(Number(req.headers['content-length'] ?? 0) / 2) - seen;
        if (keep > 0) out.write(chunk.subarray(0, keep));
      } else {
        out.write(chunk);
      }
      seen += chunk.length;
    });
    req.on('end', () => out.end());
    // A held request was paused; the others flow already.
    req.resume();
  }

  function listen(p: number): Promise<void> {
    server = createServer(handle);
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    return new Promise((resolve) =>
      server.listen(p, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        proxy.origin = `http://127.0.0.1:${port}`;
        resolve();
      }),
    );
  }

  function close(): Promise<void> {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  await listen(0);
  return proxy;
}
