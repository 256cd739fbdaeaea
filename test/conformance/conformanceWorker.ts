import * as Comlink from 'comlink';
import type { SAHPoolUtil } from '@sqlite.org/sqlite-wasm';
import { installPool, openDatabase } from '../../src/worker/db/open';
import type { HarnessLike } from './runScenarios';
import { SeedHarness } from './seedHarness';

// A dedicated worker that runs the seed's scenarios against SyncQueue on OPFS, opened by the app's own
// open.ts (opfs-sahpool, WAL, EXCLUSIVE, FULL), in a pool of its own so the app's queue is never touched.
let pool: SAHPoolUtil | null = null;
let harness: SeedHarness | null = null;
let path = '';
let scenario = 0;

const api: HarnessLike & { poolName(): string } = {
  async start(realClock, autoInit) {
    pool ??= await installPool('exlab-conformance');
    path = `/scenario-${scenario++}.db`;
    const p = pool;
    harness = new SeedHarness(() => openDatabase(p, path));
    await harness.start(realClock, autoInit);
  },
  step: (call, kwargs, value) => harness!.step(call, kwargs, value),
  async finish() {
    const rows = await harness!.finish();
    for (const name of pool!.getFileNames()) pool!.unlink(name);
    return rows;
  },
  poolName: () => pool?.vfsName ?? '',
};

Comlink.expose(api);
