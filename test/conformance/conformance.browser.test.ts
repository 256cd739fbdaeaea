import * as Comlink from 'comlink';
import { expect, test } from 'vitest';
import fixture from './conformance.json';
import { runScenario, type HarnessLike, type Scenario } from './runScenarios';

// The same 45 scenarios, in Chromium, against SyncQueue inside a dedicated worker on OPFS (opfs-sahpool),
// driven step by step over Comlink.
test('SyncQueue in a worker on OPFS reproduces every scenario of the seed', async () => {
  const worker = new Worker(new URL('./conformanceWorker.ts', import.meta.url), { type: 'module' });
  const harness = Comlink.wrap<HarnessLike & { poolName(): string }>(worker);
  const scenarios = fixture.scenarios as unknown as Scenario[];
  const failures: string[] = [];
  let passed = 0;
  let steps = 0;
  for (const scenario of scenarios) {
    const result = await runScenario(scenario, harness);
    steps += result.steps;
    if (result.mismatches.length) failures.push(`${scenario.name}:\n  ${result.mismatches.join('\n  ')}`);
    else passed++;
  }
  expect(await harness.poolName()).toBe('exlab-conformance');
  console.log(`conformance (chromium worker, OPFS): ${passed}/${scenarios.length} scenarios passed, ${steps} steps`);
  worker.terminate();
  expect(failures).toEqual([]);
  expect(passed).toBe(45);
}, 120_000);
