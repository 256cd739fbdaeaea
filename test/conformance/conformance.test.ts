import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { expect, test } from 'vitest';
import fixture from './conformance.json';
import { runScenario, type Scenario } from './runScenarios';
import { SeedHarness } from './seedHarness';

// The whole of ../shared/seed/conformance.json (copied here as the fixture) against SyncQueue on
// in-memory SQLite WASM in Node. Each scenario gets its own shared in-memory database; a keeper
// connection holds it open across the scenario's close/new_queue/init restarts.
test('SyncQueue reproduces every scenario of the seed', async () => {
  const sqlite3 = await sqlite3InitModule();
  const scenarios = fixture.scenarios as unknown as Scenario[];
  const failures: string[] = [];
  let passed = 0;
  let steps = 0;
  for (const [n, scenario] of scenarios.entries()) {
    const uri = `file:/conformance-${n}?vfs=memdb`;
    const keeper = new sqlite3.oo1.DB(uri, 'c');
    const result = await runScenario(scenario, new SeedHarness(() => new sqlite3.oo1.DB(uri, 'c')));
    keeper.close();
    steps += result.steps;
    if (result.mismatches.length) failures.push(`${scenario.name}:\n  ${result.mismatches.join('\n  ')}`);
    else passed++;
  }
  console.log(`conformance (node, in-memory): ${passed}/${scenarios.length} scenarios passed, ${steps} steps`);
  expect(failures).toEqual([]);
  expect(passed).toBe(45);
  expect(steps).toBe(343);
});
