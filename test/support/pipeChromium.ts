import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromiumFlags.ts';
import { cpuByProcessType, rssByProcessType } from './launchChromium.ts';

// Chromium driven over its DevTools pipe with a handful of commands, on one page, and nothing attached to
// the app's worker. Playwright attaches to every worker and turns DevTools' Network agent on, which keeps
// a record (and the body reference) of every request: a run of 2,000 files left 9,000 of them in the
// worker. Memory is measured here, as a tablet runs the app.

export interface PipePage {
  /** Evaluate `expression` in the page (promises awaited) and return its value. */
  evaluate<T>(expression: string): Promise<T>;
  /** Put these paths into the file input matched by `selector` (a folder for a folder input). */
  setInputFiles(selector: string, paths: string[]): Promise<void>;
  /** The browser's process group. */
  pid: number;
  rssByType(): Record<string, number>;
  cpuByType(): Record<string, number>;
  /**
   * A full garbage collection in the page and in each of its workers, then a critical memory-pressure
   * signal (Chromium drops its caches and purges its allocators): what stays after it is held. Resolves
   * with the heaps of the page and of each worker after the collection. The
   * workers are attached only for this and detached after, so no DevTools agent stays on them.
   */
  collectGarbage(): Promise<HeapUsage[]>;
  /**
   * Chromium's own memory dump (memory-infra, detailed): per process id, the size of each allocator
   * at the levels given (e.g. malloc, partition_alloc/partitions/buffer, blink_gc, v8/...), in bytes.
   */
  memoryDump(depth?: number): Promise<Record<number, Record<string, number>>>;
  /**
   * V8's CPU profile (DevTools .cpuprofile JSON) of the page and of each of its workers while `during`
   * runs; the workers are attached for it only. A sampling profiler: it adds a little CPU of its own.
   */
  cpuProfiles(during: () => Promise<void>): Promise<{ target: 'page' | 'worker'; profile: unknown }[]>;
  /** Evaluate `expression` in each of the page's workers (attached for it only); their values, in order. */
  evaluateInWorkers<T>(expression: string): Promise<T[]>;
  /** Let the page ignore its Content-Security-Policy from the next load on (a probe's own blob: worker). */
  bypassCsp(): Promise<void>;
  close(): Promise<void>;
}

/** Runtime.getHeapUsage of one V8 isolate, in bytes: used and committed, and what Blink and ArrayBuffers hold. */
export interface HeapUsage {
  target: 'page' | 'worker';
  usedSize: number;
  totalSize: number;
  embedderHeapUsedSize?: number;
  backingStorageSize?: number;
}

export async function openPipePage(userDataDir: string, url: string): Promise<PipePage> {
  const proc = spawn(
    CHROMIUM_PATH,
    [
      '--headless',
      '--no-sandbox',
      ...CHROMIUM_ARGS,
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${userDataDir}`,
      '--remote-debugging-pipe',
      'about:blank',
    ],
    { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const cdp = pipeConnection(proc);
  const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url });
  const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
  const inPage = <T>(method: string, params: object) => cdp.send<T>(method, params, sessionId);
  /** The sessions of the page's workers, attached until auto-attach is turned off again. */
  const attachWorkers = async (): Promise<string[]> => {
    const workers: string[] = [];
    const off = cdp.on('Target.attachedToTarget', (p: { sessionId: string; targetInfo: { type: string } }) => {
      if (p.targetInfo.type === 'worker') workers.push(p.sessionId);
    });
    await inPage('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true });
    off();
    return workers;
  };
  return {
    async evaluate<T>(expression: string) {
      const r = await inPage<{ result: { value: T }; exceptionDetails?: { text: string; exception?: { description?: string } } }>(
        'Runtime.evaluate',
        {
          expression,
          awaitPromise: true,
          returnByValue: true,
        },
      );
      if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
      return r.result.value;
    },
    async setInputFiles(selector, paths) {
      const { root } = await inPage<{ root: { nodeId: number } }>('DOM.getDocument', {});
      const { nodeId } = await inPage<{ nodeId: number }>('DOM.querySelector', { nodeId: root.nodeId, selector });
      if (!nodeId) throw new Error(`no ${selector} on the page`);
      await inPage('DOM.setFileInputFiles', { nodeId, files: paths });
    },
    pid: proc.pid!,
    rssByType: () => rssByProcessType(proc.pid!),
    async collectGarbage() {
      const workers = await attachWorkers();
      const heaps: HeapUsage[] = [];
      for (const [i, session] of [sessionId, ...workers].entries()) {
        await cdp.send('HeapProfiler.collectGarbage', {}, session);
        heaps.push({
          target: i === 0 ? 'page' : 'worker',
          ...(await cdp.send<Omit<HeapUsage, 'target'>>('Runtime.getHeapUsage', {}, session)),
        });
      }
      // Turning auto-attach off detaches the workers again.
      await inPage('Target.setAutoAttach', { autoAttach: false, waitForDebuggerOnStart: false, flatten: true });
      await cdp.send('Memory.simulatePressureNotification', { level: 'critical' }).catch(() => undefined);
      await inPage('Memory.simulatePressureNotification', { level: 'critical' }).catch(() => undefined);
      return heaps;
    },
    async cpuProfiles(during) {
      const workers = await attachWorkers();
      const sessions = [sessionId, ...workers];
      for (const session of sessions) {
        await cdp.send('Profiler.enable', {}, session);
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 }, session);
        await cdp.send('Profiler.start', {}, session);
      }
      const profiles: { target: 'page' | 'worker'; profile: unknown }[] = [];
      try {
        await during();
      } finally {
        for (const [i, session] of sessions.entries()) {
          const { profile } = await cdp.send<{ profile: unknown }>('Profiler.stop', {}, session);
          profiles.push({ target: i === 0 ? ('page' as const) : ('worker' as const), profile });
        }
        await inPage('Target.setAutoAttach', { autoAttach: false, waitForDebuggerOnStart: false, flatten: true });
      }
      return profiles;
    },
    async evaluateInWorkers<T>(expression: string) {
      const workers = await attachWorkers();
      const values: T[] = [];
      for (const session of workers) {
        const r = await cdp.send<{ result: { value: T } }>(
          'Runtime.evaluate',
          { expression, awaitPromise: true, returnByValue: true },
          session,
        );
        values.push(r.result.value);
      }
      await inPage('Target.setAutoAttach', { autoAttach: false, waitForDebuggerOnStart: false, flatten: true });
      return values;
    },
    cpuByType: () => cpuByProcessType(proc.pid!),
    memoryDump: (depth = 2) => memoryDump(cdp, depth),
    bypassCsp: () => inPage('Page.setBypassCSP', { enabled: true }),
    async close() {
      if (proc.exitCode === null) process.kill(-proc.pid!, 'SIGTERM');
      await exited;
    },
  };
}

type Cdp = ReturnType<typeof pipeConnection>;
interface DumpEvent {
  pid: number;
  ph: string;
  args?: { dumps?: { allocators?: Record<string, { attrs?: { size?: { value: string } } }> } };
}

async function memoryDump(cdp: Cdp, depth: number): Promise<Record<number, Record<string, number>>> {
  const events: DumpEvent[] = [];
  const offData = cdp.on('Tracing.dataCollected', (p: { value: DumpEvent[] }) => events.push(...p.value));
  const complete = new Promise<void>((resolve) => {
    const off = cdp.on('Tracing.tracingComplete', () => (off(), resolve()));
  });
  await cdp.send('Tracing.start', {
    traceConfig: {
      includedCategories: ['disabled-by-default-memory-infra'],
      excludedCategories: ['*'],
      memoryDumpConfig: { triggers: [] },
    },
    transferMode: 'ReportEvents',
  });
  await cdp.send('Tracing.requestMemoryDump', { deterministic: true, levelOfDetail: 'detailed' });
  await cdp.send('Tracing.end', {});
  await complete;
  offData();
  const out: Record<number, Record<string, number>> = {};
  for (const e of events) {
    const allocators = e.ph === 'v' ? e.args?.dumps?.allocators : undefined;
    if (!allocators) continue;
    const sizes = (out[e.pid] ??= {});
    for (const [name, a] of Object.entries(allocators)) {
      const size = a.attrs?.size?.value;
      if (size !== undefined && name.split('/').length <= depth) sizes[name] = parseInt(size, 16);
    }
  }
  return out;
}

/** DevTools protocol over fds 3 (to Chromium) and 4 (from it): JSON messages ended by a NUL byte. */
function pipeConnection(proc: ChildProcess) {
  const out = proc.stdio[3] as Writable;
  const incoming = proc.stdio[4] as Readable;
  const waiting = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  const listeners = new Set<{ method: string; fn: (params: never) => void }>();
  let nextId = 0;
  let buffered = '';
  incoming.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    for (let end = buffered.indexOf('\0'); end >= 0; end = buffered.indexOf('\0')) {
      const msg = JSON.parse(buffered.slice(0, end)) as {
        id?: number;
        method?: string;
        params?: never;
        result?: never;
        error?: { message: string };
      };
      buffered = buffered.slice(end + 1);
      for (const l of listeners) if (l.method === msg.method) l.fn(msg.params!);
      const w = msg.id === undefined ? undefined : waiting.get(msg.id);
      if (!w) continue;
      waiting.delete(msg.id!);
      if (msg.error) w.reject(new Error(msg.error.message));
      else w.resolve(msg.result!);
    }
  });
  proc.once('exit', () => {
    for (const w of waiting.values()) w.reject(new Error('Chromium exited'));
  });
  return {
    /** Call `fn` with each event `method` until the returned function is called. */
    on<P>(method: string, fn: (params: P) => void): () => void {
      const l = { method, fn: fn as (params: never) => void };
      listeners.add(l);
      return () => listeners.delete(l);
    },
    send<T>(method: string, params: object, sessionId?: string): Promise<T> {
      const id = ++nextId;
      out.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
      return new Promise<T>((resolve, reject) => waiting.set(id, { resolve: resolve as (v: never) => void, reject }));
    },
  };
}
