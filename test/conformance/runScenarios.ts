import type { StepOutcome } from './seedHarness';

// Compares what a SyncQueue does with what the seed did, scenario by scenario, step by step, field by
// field. Placeholders: <uuid4> is any random v4 uuid, <utc-iso-seconds> any real-clock timestamp.

export interface Scenario {
  name: string;
  description: string;
  auto_init?: boolean;
  real_clock?: boolean;
  steps: { call: string; kwargs?: Record<string, unknown>; value?: unknown; expect: Expectation }[];
  final_rows: Record<string, unknown>[] | null;
}

interface Expectation {
  returns?: unknown;
  raises?: { kind: string; seed_message: string };
  db_row_after?: Record<string, unknown> | null;
}

export interface HarnessLike {
  start(realClock: boolean, autoInit: boolean): Promise<void>;
  step(call: string, kwargs?: Record<string, unknown>, value?: unknown): Promise<StepOutcome>;
  finish(): Promise<unknown[] | null>;
}

export interface ScenarioResult {
  name: string;
  steps: number;
  mismatches: string[];
}

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export async function runScenario(scenario: Scenario, harness: HarnessLike): Promise<ScenarioResult> {
  const mismatches: string[] = [];
  await harness.start(scenario.real_clock ?? false, scenario.auto_init ?? true);
  for (const [i, step] of scenario.steps.entries()) {
    const where = `step ${i} ${step.call}`;
    const got = await harness.step(step.call, step.kwargs ?? {}, step.value);
    const want = step.expect;
    if (want.raises) {
      if (!got.raises) mismatches.push(`${where}: expected ${want.raises.kind} error, got ${JSON.stringify(got.returns)}`);
      else if (got.raises.kind !== want.raises.kind)
        mismatches.push(`${where}: expected ${want.raises.kind} error, got ${got.raises.name}: ${got.raises.message}`);
    } else if (got.raises) {
      mismatches.push(`${where}: unexpected ${got.raises.name}: ${got.raises.message}`);
    } else if ('returns' in want) {
      compare(want.returns, got.returns, `${where} returns`, mismatches);
    }
    if ('db_row_after' in want) compare(want.db_row_after, got.dbRowAfter, `${where} db_row_after`, mismatches);
  }
  const finalRows = await harness.finish();
  if (scenario.final_rows !== null) compare(scenario.final_rows, finalRows, 'final_rows', mismatches);
  return { name: scenario.name, steps: scenario.steps.length, mismatches };
}

function compare(want: unknown, got: unknown, where: string, out: string[]): void {
  if (want === '<uuid4>') {
    if (typeof got !== 'string' || !UUID4.test(got)) out.push(`${where}: expected a uuid4, got ${JSON.stringify(got)}`);
    return;
  }
  if (want === '<utc-iso-seconds>') {
    if (typeof got !== 'string' || !ISO_SECONDS.test(got) || Math.abs(Date.parse(got) - Date.now()) > 60_000)
      out.push(`${where}: expected a real-clock timestamp, got ${JSON.stringify(got)}`);
    return;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) {
      out.push(`${where}: expected ${want.length} items, got ${JSON.stringify(got)}`);
      return;
    }
    want.forEach((w, i) => compare(w, got[i], `${where}[${i}]`, out));
    return;
  }
  if (want !== null && typeof want === 'object') {
    if (got === null || typeof got !== 'object') {
      out.push(`${where}: expected a row, got ${JSON.stringify(got)}`);
      return;
    }
    const g = got as Record<string, unknown>;
    const keys = new Set([...Object.keys(want), ...Object.keys(g)]);
    for (const key of keys) compare((want as Record<string, unknown>)[key], g[key], `${where}.${key}`, out);
    return;
  }
  if (want !== got) out.push(`${where}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
}
