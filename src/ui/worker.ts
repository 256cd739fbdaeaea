import * as Comlink from 'comlink';
import type { WorkerApi } from '../worker/contract';

// The only UI file that knows there is a worker.
const worker = new Worker(new URL('../worker/main.ts', import.meta.url), { type: 'module', name: 'exlab-sync' });

export const api: Comlink.Remote<WorkerApi> = Comlink.wrap<WorkerApi>(worker);

export const proxy = Comlink.proxy;

// The same contract the page uses, for scripting the app from devtools and for the end-to-end tests and
// benchmarks. It can do nothing the page cannot: the worker enforces every action's rule.
(globalThis as { exlabApi?: Comlink.Remote<WorkerApi> }).exlabApi = api;

// Only in a build made with `--mode e2e` (the tests and the benchmark): seeding and moves no operator
// may make (worker/testHooks.ts). The shipped build drops this branch.
if (import.meta.env.MODE === 'e2e') {
  (globalThis as { exlabTestHooks?: unknown }).exlabTestHooks = (api as unknown as { testHooks: unknown }).testHooks;
}
