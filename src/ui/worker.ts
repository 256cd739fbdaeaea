import * as Comlink from 'comlink';
import type { WorkerApi } from '../worker/contract';

// The only UI file that knows there is a worker.
const worker = new Worker(new URL('../worker/main.ts', import.meta.url), { type: 'module', name: 'exlab-sync' });

export const api: Comlink.Remote<WorkerApi> = Comlink.wrap<WorkerApi>(worker);

export const proxy = Comlink.proxy;

// The same contract the page uses, for scripting the app from devtools and for the end-to-end tests and
// benchmarks. It can do nothing the page cannot: the worker enforces the legal moves.
(globalThis as { exlabApi?: Comlink.Remote<WorkerApi> }).exlabApi = api;
