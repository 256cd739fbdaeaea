import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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
  /**
   * Answer a Multi-Status of about `bytes` bytes, made as it is sent (never held whole), without a
   * Content-Length unless `declared`: what a listing of a folder that never ends would be.
   */
  | { type: 'huge'; bytes: number; declared?: boolean }
  /**
   * Take the whole request, call `onArrived`, and forward it only once `until` resolves (a NAS slow to
   * carry it out): the server carries it out then, even when the client has given up meanwhile; its
   * answer goes back to a client still waiting. `onDone` once the server has answered (or the request
   * was never whole, so the NAS never saw it).
   */
  | { type: 'hold'; until: Promise<void>; onArrived?: () => void; onDone?: () => void };

/** One request as the proxy saw it: whether it carried credentials, and how many body bytes came. */
export interface SeenRequest {
  method: string;
  path: string;
  authorization: boolean;
  bodyBytes: number;
  /** Bytes of an answer the proxy made itself ('huge') that were sent before the client stopped reading. */
  answerBytes: number;
}

export interface FaultProxy {
  origin: string;
  /** Every request seen, "METHOD /path", in order. */
  log: string[];
  /** Every request seen, with its credentials and body size. */
  requests: SeenRequest[];
  /** Decide per request; return null to forward it untouched. */
  fault: (method: string, path: string, headers: IncomingHttpHeaders) => Fault | null;
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
    requests: [],
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
    const record: SeenRequest = {
      method: req.method ?? 'GET',
      path,
      authorization: 'authorization' in req.headers,
      bodyBytes: 0,
      answerBytes: 0,
    };
    proxy.requests.push(record);
    req.on('data', (chunk: Buffer) => (record.bodyBytes += chunk.length));
    const fault = proxy.fault(req.method ?? 'GET', decodeURIComponent(path), req.headers);
    if (fault?.type === 'huge') {
      req.resume();
      req.on('end', () => void sendHuge(res, fault.bytes, fault.declared ?? false, (n) => (record.answerBytes += n)));
      return;
    }
    if (fault?.type === 'status') {
      req.resume();
      req.on('end', () => res.writeHead(fault.status, { 'Content-Length': '0' }).end());
      return;
    }
    if (fault?.type === 'hang') {
      req.resume();
      return;
    }
    if (fault?.type === 'hold') {
      holdThenForward(req, res, fault);
      return;
    }
    if (fault?.type === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.type === 'respond') {
      req.resume();
      req.on('end', () =>
        res.writeHead(fault.status, { 'Content-Length': String(Buffer.byteLength(fault.body)), ...fault.headers }).end(fault.body),
      );
      return;
    }
    if (fault?.type === 'stall') {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '1000000' });
      res.write('x');
      return;
    }
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
  }

  function holdThenForward(req: IncomingMessage, res: ServerResponse, fault: Extract<Fault, { type: 'hold' }>): void {
    const chunks: Buffer[] = [];
    let whole = false;
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      whole = true;
      fault.onArrived?.();
    });
    void fault.until.then(() => {
      if (!whole) {
        req.socket.destroy();
        fault.onDone?.();
        return;
      }
      const headers = { ...req.headers, host: upstream.host };
      const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (up) => {
        up.on('end', () => fault.onDone?.());
        if (res.destroyed || req.socket.destroyed) up.resume();
        else {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        }
      });
      out.on('error', () => {
        res.destroy();
        fault.onDone?.();
      });
      out.end(Buffer.concat(chunks));
    });
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

/** A valid Multi-Status of about `bytes` bytes, one entry after another, waiting whenever the socket is full. */
async function sendHuge(res: ServerResponse, bytes: number, declared: boolean, sent: (bytes: number) => void): Promise<void> {
  const head = '<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus xmlns:d="DAV:">\n';
  const tail = '</d:multistatus>\n';
  const entry = (n: number) =>
    `<d:response><d:href>/dav/endless/file-${String(n).padStart(9, '0')}.bin</d:href><d:propstat><d:prop>` +
    `<d:resourcetype/><d:getcontentlength>1</d:getcontentlength></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>\n`;
  const entryBytes = Buffer.byteLength(entry(0));
  const count = Math.max(1, Math.floor((bytes - head.length - tail.length) / entryBytes));
  res.writeHead(207, {
    'Content-Type': 'application/xml; charset=utf-8',
    ...(declared ? { 'Content-Length': String(head.length + tail.length + count * entryBytes) } : {}),
  });
  let closed = false;
  res.on('close', () => (closed = true));
  res.write(head);
  for (let n = 0; n < count && !closed; n++) {
    sent(entryBytes);
    if (!res.write(entry(n))) {
      await new Promise<void>((resolve) => {
        const go = () => {
          res.off('drain', go).off('close', go);
          resolve();
        };
        res.on('drain', go).on('close', go);
      });
    }
  }
  if (!closed) res.end(tail);
}
