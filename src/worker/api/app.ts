// The app as a whole: who holds the queue (events, "Use here"), what the engine does, and the pause an
// app update needs.
import { fail, ok, type Result } from '../errors';
import type { EngineStatus, WorkerEvent } from '../contract';
import type { ApiDeps } from './deps';

export function subscribe(deps: ApiDeps, listener: (event: WorkerEvent) => void): void {
  deps.subscribe(listener);
  listener({ type: 'ownership', ownership: deps.ownership() });
}

export const takeOver = (deps: ApiDeps): Promise<void> => deps.takeOver();

export async function engineStatus(deps: ApiDeps): Promise<Result<EngineStatus>> {
  const engine = deps.engine();
  return engine ? ok(engine.status()) : fail('not-owner', 'The sync engine runs in the tab that owns the queue.');
}

export async function prepareForUpdate(deps: ApiDeps): Promise<Result<void>> {
  await deps.engine()?.holdForUpdate();
  return ok(undefined);
}

export async function resumeAfterUpdateDeclined(deps: ApiDeps): Promise<Result<void>> {
  deps.engine()?.release();
  return ok(undefined);
}
